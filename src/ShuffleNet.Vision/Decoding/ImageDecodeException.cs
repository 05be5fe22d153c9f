namespace ShuffleNet.Vision.Decoding;

/// <summary>An image could not be decoded; the message names the file and what is wrong with it.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception for <paramref name="fileName"/> with a description of the problem.</summary>
    public ImageDecodeException(string fileName, string problem, Exception? inner = null)
        : base($"cannot decode image '{fileName}': {problem}", inner)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The path (or the caller-supplied name for streams and byte arrays).</summary>
    public string FileName { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
