namespace ShuffleNet.Vision.Tests.Datasets;

/// <summary>A scratch folder removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("vision-tests-").FullName;

    public string File(string relative, byte[] content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, content);
        return full;
    }

    public string Copy(string relative, string source) => File(relative, System.IO.File.ReadAllBytes(source));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
