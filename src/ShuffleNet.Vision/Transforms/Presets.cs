namespace ShuffleNet.Vision.Transforms;

/// <summary>The pipelines of mmpretrain's ShuffleNet V2 configs and of the Fashion-MNIST peer, as code.</summary>
public static class Presets
{
    /// <summary>
    /// mmcls test pipeline: <c>Resize(size=(resize, -1), backend='pillow')</c>, <c>CenterCrop(crop)</c>, ImageNet
    /// normalization. Byte-exact with Pillow 9.4 up to the normalization. Output [3, crop, crop].
    /// </summary>
    public static Pipeline ImageNetEval(int resize = 256, int crop = 224) =>
        new([new ResizeEdge(resize, Resample.Bilinear), new CenterCrop(crop)], Normalize.ImageNet, crop, crop);

    /// <summary>
    /// mmcls train pipeline: <c>RandomResizedCrop(crop, backend='pillow')</c>, <c>RandomFlip(0.5)</c>, ImageNet
    /// normalization. Output [3, crop, crop]. With <paramref name="regionDecode"/> (default) a JPEG is decoded only
    /// over the sampled crop (see <see cref="Pipeline.RegionDecode"/>): same draws, much faster, byte-exact with the
    /// system libjpeg-turbo. A positive <paramref name="randomErasing"/> appends <see cref="RandomErasing"/> with that
    /// probability. An <paramref name="augment"/> (<see cref="RandAugment"/>, <see cref="AutoAugment"/>) runs after
    /// the flip, as in mmpretrain's recipes.
    /// </summary>
    public static Pipeline ImageNetTrain(int crop = 224, bool regionDecode = true, double randomErasing = 0,
        IImageTransform? augment = null) =>
        new([new RandomResizedCrop(crop, interpolation: Resample.Bilinear), new RandomFlip(0.5),
             .. augment is null ? Array.Empty<IImageTransform>() : [augment]], Normalize.ImageNet, crop, crop,
            randomErasing > 0 ? [new RandomErasing(randomErasing)] : null, regionDecode: regionDecode);

    /// <summary>
    /// The Fashion-MNIST peer's training augmentation: normalize <c>(x/255 - 0.2860) / 0.3530</c>, pad
    /// <paramref name="pad"/> (zeros in normalized units) + random 28 crop, horizontal flip (unless
    /// <paramref name="flip"/> is false), then <see cref="RandomErasing"/> when <paramref name="randomErasing"/> is
    /// positive. An <paramref name="augment"/> (<see cref="RandAugment"/>, <see cref="AutoAugment"/>) runs first, on
    /// the 8-bit image: the crop and flip here are tensor steps after normalization. Output [1, 28, 28].
    /// </summary>
    public static Pipeline FashionMnistTrain(int pad = 2, bool flip = true, double randomErasing = 0,
        IImageTransform? augment = null) =>
        new(augment is null ? [] : [augment], Normalize.FashionMnist, 28, 28,
            [new PaddedRandomCrop(pad), .. flip ? [new RandomFlip(0.5)] : Array.Empty<ITensorTransform>(),
             .. randomErasing > 0 ? [new RandomErasing(randomErasing)] : Array.Empty<ITensorTransform>()]);

    /// <summary>
    /// Any image file for a Fashion-MNIST model: Pillow's grayscale conversion, bilinear resize to 28x28, the
    /// dataset's normalization. Output [1, 28, 28].
    /// </summary>
    public static Pipeline FashionMnistPredict() => new([new Grayscale(), new Resize(28, 28, Resample.Bilinear)],
        Normalize.FashionMnist, 28, 28);

    /// <summary>Fashion-MNIST evaluation: normalization only. Output [1, 28, 28].</summary>
    public static Pipeline FashionMnistEval() => new([], Normalize.FashionMnist, 28, 28);
}
