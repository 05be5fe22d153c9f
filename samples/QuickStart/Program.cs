using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using ShuffleNet.Inference;
using ShuffleNet.Models;
using ShuffleNet.Training;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;

// dotnet run -- IMAGE FOLDER    (FOLDER/<class name>/<image>, the layout torchvision and mmpretrain call ImageFolder)
var (image, folder) = (args[0], args[1]);

// Build a model: ShuffleNet V2 1.0x with a fresh 1000-class head (mmpretrain's initialisation).
using var fresh = ShuffleNetV2Builder.Create(Width.X1_0, numClasses: 1000);

// Pretrained by name (see `shufflenet models`): downloaded once to ~/.cache/shufflenet, verified by SHA-256.
var pretrained = CheckpointResolver.Resolve("shufflenet-v2-1x_16xb64_in1k");
using var model = ShuffleNetV2Builder.FromCheckpoint(pretrained);

// Classify an image file in three lines.
using var classifier = new TorchClassifier(model);
var logits = classifier.Run(Presets.ImageNetEval().Run(ImageDecoder.Default.Decode(image)), batch: 1);
Console.WriteLine($"{image}: {model.Classes?[Array.IndexOf(logits, logits.Max())]}");

// Fine-tune on an image folder in ten lines: the pretrained backbone, a new head for the folder's classes.
var data = new ImageFolderDataset(folder);
var loader = new DataLoader(data, Presets.ImageNetTrain(), new LoaderOptions { BatchSize = 2, Seed = 0 });
var config = new TrainConfig(
    new ModelConfig(NumClasses: data.NumClasses, LoadFrom: pretrained),
    new DataConfig(BatchSize: 2),
    new OptimizerConfig(Lr: 0.01, BaseBatchSize: 2),
    new ScheduleConfig(Epochs: 1, Warmup: "none"));
var result = new Trainer(config, "work_dirs/finetune", new LoaderSource(loader), val: null).Run();
Console.WriteLine($"fine-tuned {string.Join(", ", data.Classes)}: {result.LatestCheckpoint}");
