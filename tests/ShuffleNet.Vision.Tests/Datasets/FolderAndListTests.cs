using ShuffleNet.Vision.Datasets;

namespace ShuffleNet.Vision.Tests.Datasets;

public class FolderAndListTests
{
    private static readonly string Bmp = TestPaths.Fixture("odd", "image.bmp");

    [Fact]
    public void Image_folder_sorts_classes_ordinally_recurses_and_filters_extensions()
    {
        using var d = new TempDir();
        d.Copy("b_dog/2.BMP", Bmp); d.Copy("b_dog/sub/1.bmp", Bmp); d.File("b_dog/notes.txt", [1]);
        d.Copy("B_cat/x.bmp", Bmp); d.Copy("a_ant/y.bmp", Bmp);
        var ds = new ImageFolderDataset(d.Path);
        Assert.Equal(["B_cat", "a_ant", "b_dog"], ds.Classes);   // ordinal: upper case first, as Python's sorted
        Assert.Equal(4, ds.Count);
        Assert.Equal([0, 1, 2, 2], Enumerable.Range(0, 4).Select(ds.GetLabel));
        Assert.EndsWith("b_dog/2.BMP", ds.Describe(2));
        using var image = ds.Load(3);
        Assert.Equal((45, 30), (image.Width, image.Height));
    }

    [Fact]
    public void Image_folder_errors_name_the_folder_when_it_is_missing_empty_or_has_no_images()
    {
        using var d = new TempDir();
        Assert.Contains("not found", Assert.Throws<DatasetException>(() => new ImageFolderDataset(d.Path + "/nope"))
            .Message);
        var empty = Assert.Throws<DatasetException>(() => new ImageFolderDataset(d.Path));
        Assert.Contains(d.Path, empty.Message);
        Assert.Contains("no class sub-folders", empty.Message);
        d.File("cls/readme.txt", [1]);
        var noImages = Assert.Throws<DatasetException>(() => new ImageFolderDataset(d.Path));
        Assert.Contains("cls", noImages.Message);
        Assert.Contains("no images", noImages.Message);
    }

    [Fact]
    public void Annotation_list_reads_paths_relative_to_the_prefix_with_labels()
    {
        using var d = new TempDir();
        d.Copy("val/a b.bmp", Bmp); d.Copy("val/c.bmp", Bmp);
        var ann = d.File("meta/val.txt", "a b.bmp 3\n\nc.bmp 0\n"u8.ToArray());
        var ds = new AnnotationListDataset(ann, Path.Combine(d.Path, "val"));
        Assert.Equal(2, ds.Count);
        Assert.Equal(4, ds.NumClasses);
        Assert.Equal(3, ds.GetLabel(0));
        Assert.EndsWith("val/a b.bmp", ds.Describe(0));
        using var _ = ds.Load(1);
    }

    [Theory]
    [InlineData("c.bmp 0\nlonely\n", "line 2 is malformed")]
    [InlineData("c.bmp -1\n", "line 1: label \"-1\" is not a non-negative integer")]
    [InlineData("c.bmp cat\n", "line 1: label \"cat\"")]
    [InlineData("c.bmp 0\nc.bmp 5\n", "line 2: label 5 is out of range for 3 classes")]
    [InlineData("c.bmp 0\nm1.bmp 1\nm2.bmp 1\n", "2 listed image(s) do not exist")]
    [InlineData("\n\n", "lists no images")]
    public void Annotation_list_errors_name_the_file_and_line(string content, string expected)
    {
        using var d = new TempDir();
        d.Copy("c.bmp", Bmp);
        var ann = d.File("ann.txt", System.Text.Encoding.UTF8.GetBytes(content));
        var ex = Assert.Throws<DatasetException>(() => new AnnotationListDataset(ann, d.Path, ["a", "b", "c"]));
        Assert.Contains(ann, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Missing_files_are_listed_up_front_with_the_first_few_names()
    {
        using var d = new TempDir();
        var ann = d.File("ann.txt", System.Text.Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, 9)
            .Select(i => $"m{i}.jpg 0"))));
        var ex = Assert.Throws<DatasetException>(() => new AnnotationListDataset(ann, d.Path));
        Assert.Contains("9 listed image(s)", ex.Message);
        Assert.Contains("m4.jpg", ex.Message);
        Assert.DoesNotContain("m5.jpg", ex.Message);
    }

    [Fact]
    public void Class_names_file_reads_one_name_per_line_and_rejects_blank_or_empty_files()
    {
        var names = ClassNames.Load(TestPaths.Reference("imagenet_classes.txt"));
        Assert.Equal(1000, names.Count);
        using var d = new TempDir();
        Assert.Contains("line 2 is blank", Assert.Throws<DatasetException>(() => ClassNames.Load(d.File("c.txt",
            "a\n\nb\n"u8.ToArray()))).Message);
        Assert.Contains("empty", Assert.Throws<DatasetException>(() => ClassNames.Load(d.File("e.txt",
            "\n"u8.ToArray()))).Message);
    }
}
