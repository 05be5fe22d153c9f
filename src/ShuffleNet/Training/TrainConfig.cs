using ShuffleNet.Checkpoints;

namespace ShuffleNet.Training;

/// <summary>
/// A training recipe, as the JSON files in <c>configs/</c> spell it (snake_case keys, one object per section).
/// Mirrors the parts of an mmpretrain config that matter for ShuffleNet V2: model, data, optimizer (with
/// <c>paramwise_cfg.norm_decay_mult</c> and <c>auto_scale_lr</c>), parameter scheduler and train loop.
/// Read files with <see cref="ConfigLoader"/>; every value has a default, so a file names only what it changes.
/// </summary>
/// <param name="Model">Architecture, head and initialisation.</param>
/// <param name="Data">Dataset, batch size and augmentation.</param>
/// <param name="Optimizer">Optimizer hyper-parameters and gradient clipping.</param>
/// <param name="Schedule">Epochs and the learning-rate policy.</param>
/// <param name="Run">Seed, threads, logging and checkpoint cadence.</param>
/// <param name="Dist">Data-parallel backend and collective timeout (used when a launcher starts several ranks).</param>
/// <param name="Ema">mmpretrain's <c>EMAHook</c>: an exponential moving average of the weights.</param>
/// <param name="EarlyStopping">mmengine's <c>EarlyStoppingHook</c> on a validation metric.</param>
public sealed record TrainConfig(
    ModelConfig? Model = null, DataConfig? Data = null, OptimizerConfig? Optimizer = null,
    ScheduleConfig? Schedule = null, RunConfig? Run = null, DistConfig? Dist = null, EmaConfig? Ema = null,
    EarlyStoppingConfig? EarlyStopping = null)
{
    /// <summary>Architecture, head and initialisation.</summary>
    public ModelConfig Model { get; init; } = Model ?? new();
    /// <summary>Dataset, batch size and augmentation.</summary>
    public DataConfig Data { get; init; } = Data ?? new();
    /// <summary>Optimizer hyper-parameters and gradient clipping.</summary>
    public OptimizerConfig Optimizer { get; init; } = Optimizer ?? new();
    /// <summary>Epochs and the learning-rate policy.</summary>
    public ScheduleConfig Schedule { get; init; } = Schedule ?? new();
    /// <summary>Seed, threads, logging and checkpoint cadence.</summary>
    public RunConfig Run { get; init; } = Run ?? new();
    /// <summary>Data-parallel backend and collective timeout.</summary>
    public DistConfig Dist { get; init; } = Dist ?? new();
    /// <summary>Exponential moving average of the weights.</summary>
    public EmaConfig Ema { get; init; } = Ema ?? new();
    /// <summary>Early stopping on a validation metric.</summary>
    public EarlyStoppingConfig EarlyStopping { get; init; } = EarlyStopping ?? new();
}

/// <summary>The network. Defaults are mmpretrain's <c>shufflenet-v2-1x</c> for ImageNet.</summary>
/// <param name="Width">0.5x, 1.0x, 1.5x or 2.0x (mmpretrain's <c>widen_factor</c>).</param>
/// <param name="NumClasses">Classes of the head.</param>
/// <param name="Stem">Input channels and the shape of <c>conv1</c>/<c>maxpool</c> (the section
/// <c>model.stem</c>).</param>
/// <param name="FrozenStages">mmpretrain's <c>frozen_stages</c>: -1 none, k: conv1 and stages 0..k-1.</param>
/// <param name="NormEval">mmpretrain's <c>norm_eval</c>: BatchNorm stays in eval mode while training.</param>
/// <param name="LabelSmoothing">0 is plain cross-entropy; mmpretrain's <c>LabelSmoothLoss(label_smooth_val)</c>
/// otherwise.</param>
/// <param name="LoadFrom">A checkpoint to start from (fine-tuning); a head of another size is re-initialised; empty:
/// none.</param>
/// <param name="BatchAugments">mmpretrain's <c>train_cfg.augments</c>: Mixup and CutMix with soft-target loss.</param>
public sealed record ModelConfig(
    string Width = "1.0x", int NumClasses = 1000, StemOptions? Stem = null, int FrozenStages = -1,
        bool NormEval = false,
    double LabelSmoothing = 0, string? LoadFrom = null, BatchAugmentsConfig? BatchAugments = null)
{
    /// <summary>Input channels and the shape of <c>conv1</c>/<c>maxpool</c>.</summary>
    public StemOptions Stem { get; init; } = Stem ?? new();
    /// <summary>Mixup and CutMix.</summary>
    public BatchAugmentsConfig BatchAugments { get; init; } = BatchAugments ?? new();
}

/// <summary>
/// mmpretrain's batch augments (<c>model.train_cfg.augments</c>): <c>Mixup(alpha)</c> and <c>CutMix(alpha)</c>, each
/// off at alpha 0. With both on, each batch gets one of them with equal chance (<c>RandomBatchAugment</c>,
/// <c>probs=None</c>). The loss becomes the soft-target cross-entropy of the mixed (and label-smoothed) targets.
/// </summary>
/// <param name="Mixup">Mixup's alpha: the mixing weight is drawn from Beta(alpha, alpha) (Zhang et al., ICLR
/// 2018).</param>
/// <param name="Cutmix">CutMix's alpha: the pasted box's area share is drawn from Beta(alpha, alpha) (Yun et al., ICCV
/// 2019).</param>
public sealed record BatchAugmentsConfig(double Mixup = 0, double Cutmix = 0);

/// <summary>Where the images come from and how a batch is made.</summary>
/// <param name="Dataset"><c>fashion_mnist</c> (IDX files) or <c>image_folder</c> (ImageNet-style train/val
/// folders).</param>
/// <param name="Root">Folder of the dataset; for <c>fashion_mnist</c> the one holding <c>train-images-idx3-ubyte.gz</c>
/// etc.</param>
/// <param name="BatchSize">Images per step and rank (per GPU in mmpretrain's terms); the lr is scaled by the total over
/// ranks.</param>
/// <param name="Workers">Decoding threads for <c>image_folder</c>.</param>
/// <param name="CropSize">RandomResizedCrop size for training and CenterCrop size for validation.</param>
/// <param name="ResizeEdge">Short edge before the validation CenterCrop (ResizeEdge 256 → CenterCrop 224).</param>
/// <param name="Pad">Padding before the per-sample random crop of small images (Fashion-MNIST: 2).</param>
/// <param name="Flip">Horizontal flip with probability 0.5 while training.</param>
/// <param name="RandomErasing">Probability of torchvision's/mmpretrain's <c>RandomErasing</c> (area 0.02-1/3, ratio
/// 0.3-3.3, erased to the mean pixel) after the other training augmentation; 0 (the default) turns it off.</param>
/// <param name="Classes">For <c>fashion_mnist</c>: a new class split, the classes to keep as comma-separated names or
/// indices, relabelled 0..k-1 in that order (e.g. <c>T-shirt/top,Pullover,Coat,Shirt</c>); empty keeps all ten.</param>
/// <param name="RandAugment">mmpretrain's <c>RandAugment</c> on the 8-bit training images; off by default.</param>
/// <param name="AutoAugment">mmpretrain's <c>AutoAugment</c> on the 8-bit training images; off by default.</param>
public sealed record DataConfig(
    string Dataset = "image_folder", string Root = "data/imagenet", int BatchSize = 64, int Workers = 2,
    int CropSize = 224, int ResizeEdge = 256, int Pad = 2, bool Flip = true, double RandomErasing = 0,
    string Classes = "", RandAugmentConfig? RandAugment = null, AutoAugmentConfig? AutoAugment = null)
{
    /// <summary>RandAugment (off while its <c>policies</c> is empty).</summary>
    public RandAugmentConfig RandAugment { get; init; } = RandAugment ?? new();
    /// <summary>AutoAugment (off while its <c>policies</c> is empty).</summary>
    public AutoAugmentConfig AutoAugment { get; init; } = AutoAugment ?? new();
}

/// <summary>The optimizer as mmpretrain's <c>optim_wrapper</c> configures it.</summary>
/// <param name="Lr">Learning rate at <see cref="BaseBatchSize"/> images per step.</param>
/// <param name="Momentum">SGD's momentum (PyTorch's SGD: no dampening).</param>
/// <param name="WeightDecay">Weight decay on conv and linear weights and biases: L2 added to the gradient for SGD,
/// decoupled (<c>p *= 1 - lr * wd</c>) for AdamW.</param>
/// <param name="NormDecayMult">Multiplier of the decay on BatchNorm weight and bias
/// (<c>paramwise_cfg.norm_decay_mult</c>).</param>
/// <param name="BaseBatchSize"><c>auto_scale_lr.base_batch_size</c>: the lr used is <c>Lr * BatchSize /
/// BaseBatchSize</c>; 0 turns scaling off.</param>
/// <param name="Type"><c>SGD</c> or <c>AdamW</c> (<c>optimizer.type</c>).</param>
/// <param name="Nesterov">SGD with Nesterov momentum.</param>
/// <param name="Beta1">AdamW's <c>betas[0]</c>.</param>
/// <param name="Beta2">AdamW's <c>betas[1]</c>.</param>
/// <param name="Eps">AdamW's <c>eps</c>.</param>
/// <param name="ClipGrad"><c>optim_wrapper.clip_grad</c>: gradient clipping by global norm.</param>
public sealed record OptimizerConfig(
    double Lr = 0.5, double Momentum = 0.9, double WeightDecay = 4e-5, double NormDecayMult = 0,
        int BaseBatchSize = 1024,
    string Type = "SGD", bool Nesterov = false, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8,
    ClipGradConfig? ClipGrad = null)
{
    /// <summary>Gradient clipping.</summary>
    public ClipGradConfig ClipGrad { get; init; } = ClipGrad ?? new();
}

/// <summary>
/// mmengine's <c>clip_grad=dict(max_norm, norm_type)</c>: <c>torch.nn.utils.clip_grad_norm_</c> over every trained
/// parameter after the backward pass (and the all-reduce), before the step.
/// </summary>
/// <param name="MaxNorm">The largest global gradient norm; 0 turns clipping off.</param>
/// <param name="NormType">The p of the p-norm (2: Euclidean).</param>
public sealed record ClipGradConfig(double MaxNorm = 0, double NormType = 2);

/// <summary>
/// mmpretrain's <c>EMAHook</c> with mmengine's <c>ExponentialMovingAverage</c>: after every <see cref="Interval"/>-th
/// iteration <c>ema = (1 - momentum) * ema + momentum * p</c> over the parameters (the first update copies them;
/// buffers follow the model). Validation uses the averaged weights (<c>evaluate_on_ema</c>); checkpoints hold them in
/// <c>state_dict</c> and the raw weights in <c>ema_state_dict</c>, as mmengine swaps them, so <c>shufflenet test</c>
/// and exports use the average.
/// </summary>
/// <param name="Momentum">Weight of the newest parameters (mmengine's sense, not timm's decay); 0 turns EMA
/// off.</param>
/// <param name="Interval">Iterations between updates.</param>
/// <param name="BeginIter">No averaging before this iteration: the average is a copy of the weights until then.</param>
public sealed record EmaConfig(double Momentum = 0, int Interval = 1, int BeginIter = 0);

/// <summary>
/// mmengine's <c>EarlyStoppingHook</c>: after each validation, a score that does not beat the best by more than
/// <see cref="MinDelta"/> counts one; <see cref="Patience"/> such in a row end training (with a checkpoint).
/// </summary>
/// <param name="Monitor"><c>accuracy/top1</c>, <c>accuracy/top5</c> (greater is better) or <c>loss</c> (less is
/// better).</param>
/// <param name="Patience">Validations without improvement before stopping; 0 turns early stopping off.</param>
/// <param name="MinDelta">The least change that counts as an improvement (in the metric's units).</param>
public sealed record EarlyStoppingConfig(string Monitor = "accuracy/top1", int Patience = 0, double MinDelta = 0.1);

/// <summary>
/// Epochs and the per-iteration learning-rate policy (mmengine parameter schedulers, <c>by_epoch=False</c>).
/// </summary>
/// <param name="Epochs">Training epochs (<c>train_cfg.max_epochs</c>).</param>
/// <param name="Policy"><c>poly</c> (PolyLR) or <c>cosine</c> (CosineAnnealingLR), from the end of warm-up to the last
/// iteration.</param>
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
/// <param name="CheckpointInterval">Epochs between <c>epoch_N.pth</c> files (<c>latest.pth</c> is written every
/// epoch).</param>
/// <param name="KeepCheckpoints">How many <c>epoch_N.pth</c> to keep (mmengine's <c>max_keep_ckpts</c>); -1 keeps
/// all.</param>
/// <param name="Device">Where the model trains: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (a CUDA libtorch, see the
/// README); the data is prepared on the CPU either way.</param>
public sealed record RunConfig(
    int Seed = 0, int Threads = 2, int LogInterval = 100, int ValInterval = 1, int CheckpointInterval = 1,
    int KeepCheckpoints = 2, string Device = "cpu");

/// <summary>
/// Data-parallel training (mmengine's <c>launcher</c> and <c>dist_cfg</c>); ignored by a single process.
/// </summary>
/// <param name="Backend"><c>auto</c> (MPI under mpiexec, NCCL under torchrun), <c>mpi</c> (CPU) or <c>nccl</c>
/// (GPU).</param>
/// <param name="Timeout">Seconds a collective may take before the waiting rank exits with an error (NCCL's
/// watchdog).</param>
public sealed record DistConfig(string Backend = "auto", int Timeout = 600);
