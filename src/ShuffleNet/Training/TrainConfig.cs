namespace ShuffleNet.Training;

/// <summary>
/// A training recipe, as the JSON files in <c>configs/</c> spell it (snake_case keys, one object per section).
/// Mirrors the parts of an mmpretrain config that matter for ShuffleNet V2: model, data, optimizer (with
/// <c>paramwise_cfg.norm_decay_mult</c> and <c>auto_scale_lr</c>), parameter scheduler and train loop.
/// Read files with <see cref="ConfigLoader"/>; every value has a default, so a file names only what it changes.
/// </summary>
/// <param name="Model">Architecture, head and initialisation.</param>
/// <param name="Data">Dataset, batch size and augmentation.</param>
/// <param name="Optimizer">SGD hyper-parameters.</param>
/// <param name="Schedule">Epochs and the learning-rate policy.</param>
/// <param name="Run">Seed, threads, logging and checkpoint cadence.</param>
/// <param name="Dist">Data-parallel backend and collective timeout (used when a launcher starts several ranks).</param>
public sealed record TrainConfig(
    ModelConfig? Model = null, DataConfig? Data = null, OptimizerConfig? Optimizer = null,
    ScheduleConfig? Schedule = null, RunConfig? Run = null, DistConfig? Dist = null)
{
    /// <summary>Architecture, head and initialisation.</summary>
    public ModelConfig Model { get; init; } = Model ?? new();
    /// <summary>Dataset, batch size and augmentation.</summary>
    public DataConfig Data { get; init; } = Data ?? new();
    /// <summary>SGD hyper-parameters.</summary>
    public OptimizerConfig Optimizer { get; init; } = Optimizer ?? new();
    /// <summary>Epochs and the learning-rate policy.</summary>
    public ScheduleConfig Schedule { get; init; } = Schedule ?? new();
    /// <summary>Seed, threads, logging and checkpoint cadence.</summary>
    public RunConfig Run { get; init; } = Run ?? new();
    /// <summary>Data-parallel backend and collective timeout.</summary>
    public DistConfig Dist { get; init; } = Dist ?? new();
}

/// <summary>The network. Defaults are mmpretrain's <c>shufflenet-v2-1x</c> for ImageNet.</summary>
/// <param name="Width">0.5x, 1.0x, 1.5x or 2.0x (mmpretrain's <c>widen_factor</c>).</param>
/// <param name="NumClasses">Classes of the head.</param>
/// <param name="Stem">Input channels and the shape of <c>conv1</c>/<c>maxpool</c>.</param>
/// <param name="FrozenStages">mmpretrain's <c>frozen_stages</c>: -1 none, k: conv1 and stages 0..k-1.</param>
/// <param name="NormEval">mmpretrain's <c>norm_eval</c>: BatchNorm stays in eval mode while training.</param>
/// <param name="LabelSmoothing">0 is plain cross-entropy; mmpretrain's <c>LabelSmoothLoss(label_smooth_val)</c> otherwise.</param>
/// <param name="LoadFrom">A checkpoint to start from (fine-tuning); a head of another size is re-initialised.</param>
public sealed record ModelConfig(
    string Width = "1.0x", int NumClasses = 1000, StemConfig? Stem = null, int FrozenStages = -1, bool NormEval = false,
    double LabelSmoothing = 0, string? LoadFrom = null)
{
    /// <summary>Input channels and the shape of <c>conv1</c>/<c>maxpool</c>.</summary>
    public StemConfig Stem { get; init; } = Stem ?? new();
}

/// <summary>The stem: <c>conv1</c> (3x3, <paramref name="Stride"/>) and an optional 3x3 stride-2 max-pool.</summary>
/// <param name="InChannels">Image channels: 3 (RGB) or 1 (grayscale).</param>
/// <param name="Stride">Stride of <c>conv1</c>: 2 (ImageNet) or 1 (small images).</param>
/// <param name="MaxPool">Whether the max-pool follows <c>conv1</c>.</param>
public sealed record StemConfig(int InChannels = 3, int Stride = 2, bool MaxPool = true);

/// <summary>Where the images come from and how a batch is made.</summary>
/// <param name="Dataset"><c>fashion_mnist</c> (IDX files) or <c>image_folder</c> (ImageNet-style train/val folders).</param>
/// <param name="Root">Folder of the dataset; for <c>fashion_mnist</c> the one holding <c>train-images-idx3-ubyte.gz</c> etc.</param>
/// <param name="BatchSize">Images per step and rank (per GPU in mmpretrain's terms); the lr is scaled by the total over ranks.</param>
/// <param name="Workers">Decoding threads for <c>image_folder</c>.</param>
/// <param name="CropSize">RandomResizedCrop size for training and CenterCrop size for validation.</param>
/// <param name="ResizeEdge">Short edge before the validation CenterCrop (ResizeEdge 256 → CenterCrop 224).</param>
/// <param name="Pad">Padding before the per-sample random crop of small images (Fashion-MNIST: 2).</param>
/// <param name="Flip">Horizontal flip with probability 0.5 while training.</param>
/// <param name="RandomErasing">Probability of torchvision's/mmpretrain's <c>RandomErasing</c> (area 0.02-1/3, ratio 0.3-3.3, erased to
/// the mean pixel) after the other training augmentation; 0 (the default) turns it off.</param>
public sealed record DataConfig(
    string Dataset = "image_folder", string Root = "data/imagenet", int BatchSize = 64, int Workers = 2,
    int CropSize = 224, int ResizeEdge = 256, int Pad = 2, bool Flip = true, double RandomErasing = 0);

/// <summary>SGD as mmpretrain configures it.</summary>
/// <param name="Lr">Learning rate at <see cref="BaseBatchSize"/> images per step.</param>
/// <param name="Momentum">Momentum (PyTorch's SGD: no dampening, no Nesterov).</param>
/// <param name="WeightDecay">L2 weight decay on conv and linear weights and biases.</param>
/// <param name="NormDecayMult">Multiplier of the decay on BatchNorm weight and bias (<c>paramwise_cfg.norm_decay_mult</c>).</param>
/// <param name="BaseBatchSize"><c>auto_scale_lr.base_batch_size</c>: the lr used is <c>Lr * BatchSize / BaseBatchSize</c>; 0 turns scaling off.</param>
public sealed record OptimizerConfig(
    double Lr = 0.5, double Momentum = 0.9, double WeightDecay = 4e-5, double NormDecayMult = 0, int BaseBatchSize = 1024);

/// <summary>Epochs and the per-iteration learning-rate policy (mmengine parameter schedulers, <c>by_epoch=False</c>).</summary>
/// <param name="Epochs">Training epochs (<c>train_cfg.max_epochs</c>).</param>
/// <param name="Policy"><c>poly</c> (PolyLR) or <c>cosine</c> (CosineAnnealingLR), from the end of warm-up to the last iteration.</param>
/// <param name="Power">PolyLR's power (1: linear).</param>
/// <param name="EtaMin">The learning rate the policy reaches at the end.</param>
/// <param name="Warmup"><c>constant</c> (ConstantLR), <c>linear</c> (LinearLR) or <c>none</c>.</param>
/// <param name="WarmupIters">Iterations of warm-up (ConstantLR's <c>end</c>).</param>
/// <param name="WarmupFactor">ConstantLR's <c>factor</c> or LinearLR's <c>start_factor</c>.</param>
public sealed record ScheduleConfig(
    int Epochs = 300, string Policy = "poly", double Power = 1, double EtaMin = 0, string Warmup = "constant",
    int WarmupIters = 5000, double WarmupFactor = 0.1);

/// <summary>Everything about a run that is not the recipe's mathematics.</summary>
/// <param name="Seed">Seeds initialisation, shuffling and augmentation; a resumed run keeps the original's.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="LogInterval">Iterations between log lines (mmengine's <c>LoggerHook.interval</c>).</param>
/// <param name="ValInterval">Epochs between validations.</param>
/// <param name="CheckpointInterval">Epochs between <c>epoch_N.pth</c> files (<c>latest.pth</c> is written every epoch).</param>
/// <param name="KeepCheckpoints">How many <c>epoch_N.pth</c> to keep (mmengine's <c>max_keep_ckpts</c>); -1 keeps all.</param>
public sealed record RunConfig(
    int Seed = 0, int Threads = 2, int LogInterval = 100, int ValInterval = 1, int CheckpointInterval = 1, int KeepCheckpoints = 2);

/// <summary>Data-parallel training (mmengine's <c>launcher</c> and <c>dist_cfg</c>); ignored by a single process.</summary>
/// <param name="Backend"><c>auto</c> (MPI under mpiexec, NCCL under torchrun), <c>mpi</c> (CPU) or <c>nccl</c> (GPU).</param>
/// <param name="Timeout">Seconds a collective may take before the waiting rank exits with an error (NCCL's watchdog).</param>
public sealed record DistConfig(string Backend = "auto", int Timeout = 600);
