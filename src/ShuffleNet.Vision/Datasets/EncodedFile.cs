using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Datasets;

/// <summary>Reads an image file's bytes, reporting I/O failures as decode errors so the corrupt-image policy applies.</summary>
internal static class EncodedFile
{
    public static byte[] Read(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, ImageDecodeError.Unreadable, e.Message, e);
        }
    }
}
