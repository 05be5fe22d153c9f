namespace ShuffleNet.Training;

/// <summary>
/// The recipe <c>shufflenet train</c> runs with no <c>--config</c>: ShuffleNet V2 0.5x on Fashion-MNIST, sized to
/// finish within 15 minutes on a 2-core machine (see configs/README.md for the measurements). The same text is
/// <c>configs/shufflenet-v2-0.5x_fashion-mnist.json</c>; a test keeps the two equal.
/// </summary>
public static class DefaultRecipe
{
    /// <summary>Config name (work dir <c>work_dirs/NAME</c>).</summary>
    public const string Name = "shufflenet-v2-0.5x_fashion-mnist";

    /// <summary>The recipe's JSON.</summary>
    public const string Json = """
        {
          "model": {
            "width": "0.5x",
            "num_classes": 10,
            "stem": { "in_channels": 1, "stride": 1, "max_pool": true }
          },
          "data": {
            "dataset": "fashion_mnist", "root": "/usr/share/datasets/fashion-mnist", "batch_size": 128, "pad": 2,
            "flip": true
          },
          "optimizer": {
            "lr": 0.1, "momentum": 0.9, "weight_decay": 4e-5, "norm_decay_mult": 0, "base_batch_size": 128
          },
          "schedule": { "epochs": 14, "policy": "cosine", "eta_min": 0, "warmup": "none", "warmup_iters": 0 },
          "run": {
            "seed": 0, "threads": 2, "log_interval": 50, "val_interval": 1, "checkpoint_interval": 1,
            "keep_checkpoints": 1
          }
        }
        """;

    /// <summary>The parsed recipe with <paramref name="overrides"/> (<c>key=value</c>) applied.</summary>
    public static TrainConfig Load(IEnumerable<string>? overrides = null) => ConfigLoader.Parse(Json, "(built-in "
        + Name + ")", overrides);
}
