namespace ShuffleNet.Vision.Decoding;

/// <summary>
/// What is wrong with an image that could not be decoded, for callers that answer each kind differently.
/// </summary>
public enum ImageDecodeError
{
    /// <summary>The file could not be read (missing, no permission, I/O error, not a regular file).</summary>
    Unreadable,

    /// <summary>Zero bytes.</summary>
    Empty,

    /// <summary>Not a format the decoder knows (JPEG, PNG, BMP, WebP, GIF).</summary>
    NotAnImage,

    /// <summary>
    /// The header claims more pixels than <see cref="DecoderOptions.MaxPixels"/>, or an image the transforms would
    /// make from it needs more than the transforms' pixel limit (<c>Pipeline.MaxPixels</c>)
    /// (<see cref="ImageDecodeException.TooLarge"/>).
    /// </summary>
    TooManyPixels,

    /// <summary>The data ends before the image does.</summary>
    Truncated,

    /// <summary>The compressed data is corrupt.</summary>
    Damaged,
}

/// <summary>
/// An image could not be decoded, or is too large for the transforms to process (<see cref="TooLarge"/>); the message
/// names the file and what is wrong with it. Loaders and commands treat both alike: the image is bad, the others go on.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception for <paramref name="fileName"/> with a description of the problem.</summary>
    public ImageDecodeException(string fileName, ImageDecodeError kind, string problem, Exception? inner = null)
        : this($"cannot decode image '{fileName}': {problem}", fileName, kind, problem, inner) { }

    private ImageDecodeException(string message, string fileName, ImageDecodeError kind, string problem,
        Exception? inner)
        : base(message, inner)
    {
        FileName = fileName;
        Kind = kind;
        Problem = problem;
    }

    /// <summary>
    /// An image that decodes, but whose transforms would need images beyond the pixel limit
    /// (<see cref="ImageDecodeError.TooManyPixels"/>).
    /// </summary>
    public static ImageDecodeException TooLarge(string fileName, string problem) =>
        new($"image '{fileName}' is too large to process: {problem}", fileName, ImageDecodeError.TooManyPixels,
            problem, null);

    /// <summary>The path (or the caller-supplied name for streams and byte arrays).</summary>
    public string FileName { get; }

    /// <summary>What kind of problem it is.</summary>
    public ImageDecodeError Kind { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
