using System.Diagnostics;
using System.Text.Json;
using ShuffleNet.Checkpoints;
using ShuffleNet.Training;
using Xunit.Abstractions;

namespace ShuffleNet.Tests.Training;

/// <summary>What the trainer leaves on disk when it is killed, resumed, or runs out of space.</summary>
public class TrainerFilesTests(ITestOutputHelper output)
{
    [Fact]
    public void Temp_files_a_killed_run_left_are_removed_at_start_and_said_so()
    {
        var dir = TinyRun.WorkDir();
        var stale = Path.Combine(dir, $".latest.pth.{Guid.NewGuid():N}.tmp");   // what kill -9 during a save leaves
        File.WriteAllBytes(stale, []);
        File.WriteAllText(Path.Combine(dir, "notes.tmp"), "the user's");
        var notes = new TinyRun.Recorder();
        new Trainer(TinyRun.Config("schedule.epochs=1"), dir, TinyRun.Data(), null, notes).Run();
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(Path.Combine(dir, "notes.tmp")));
        Assert.Contains(notes.Notes, n => n.Contains("removed 1 temporary file", StringComparison.Ordinal)
            && n.Contains(Path.GetFileName(stale), StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(dir, ".*"));
    }

    [Fact]
    public void An_output_name_taken_by_a_folder_or_link_is_refused_before_training()
    {
        var dir = TinyRun.WorkDir();
        Directory.CreateDirectory(Path.Combine(dir, "log.json"));
        var recorder = new TinyRun.Recorder();
        var e = Assert.Throws<TrainingException>(() => new Trainer(TinyRun.Config("schedule.epochs=1"), dir,
            TinyRun.Data(), null, recorder).Run());
        Assert.StartsWith($"cannot write '{Path.Combine(dir, "log.json")}': it is a directory", e.Message);
        Assert.EndsWith("or choose another --work-dir", e.Message);
        Assert.Empty(recorder.Losses);
    }

    [Fact]
    public void A_resume_cuts_the_log_back_to_its_checkpoint_so_no_line_repeats()
    {
        var config = TinyRun.Config("run.log_interval=1");
        var whole = TinyRun.WorkDir();
        new Trainer(config, whole, TinyRun.Data(), TinyRun.Data(train: false)).Run();

        var dir = TinyRun.WorkDir();
        var first = new TinyRun.Recorder(stopAfter: 11);
        var stopped = new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false), first)
            .Run(cancel: first.Cancel.Token);
        // 11 train + 1 val
        Assert.Equal(11L, CheckpointFile.Load(stopped.LatestCheckpoint).Meta["log_lines"] is long n ? n - 1 : -1);
        // a run killed after its checkpoint logs on: those lines are not in the checkpoint and must go
        var log = Path.Combine(dir, "log.json");
        File.AppendAllLines(log, File.ReadLines(Path.Combine(whole, "log.json")).Skip(12).Take(3));
        new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false)).Run(stopped.LatestCheckpoint);

        var expected = Positions(Path.Combine(whole, "log.json"));
        Assert.Equal(expected, Positions(log));   // each (mode, epoch, iter) once, in the order of an uninterrupted run
        Assert.Equal(expected.Count, expected.Distinct().Count());
    }

    [Fact]
    public void A_resume_from_a_checkpoint_without_log_lines_cuts_the_log_by_epoch_and_iteration()
    {
        var config = TinyRun.Config("run.log_interval=1");
        var dir = TinyRun.WorkDir();
        var first = new TinyRun.Recorder(stopAfter: 11);
        var stopped = new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false), first)
            .Run(cancel: first.Cancel.Token);
        // an older checkpoint: no meta.log_lines
        var ckpt = (OrderedDictionary<object, object?>)TorchFile.Load(stopped.LatestCheckpoint)!;
        ((OrderedDictionary<object, object?>)ckpt["meta"]!).Remove("log_lines");
        TorchFile.Save(stopped.LatestCheckpoint, ckpt);
        var log = Path.Combine(dir, "log.json");
        var lines = File.ReadAllLines(log);
        // epoch 2, iter 4: after 11
        File.AppendAllLines(log, [lines[^1].Replace("\"iter\":3", "\"iter\":4", StringComparison.Ordinal)]);
        var before = Positions(log);
        Assert.Equal(13, before.Count);
        new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false)).Run(stopped.LatestCheckpoint);
        var after = Positions(log);
        Assert.Equal(after.Count, after.Distinct().Count());
        Assert.Equal(before.Take(12), after.Take(12));
    }

    [Fact]
    public void A_full_disk_is_one_clear_error_naming_the_file_and_leaves_no_partial_epoch_checkpoint()
    {
        // a real full file system: a small tmpfs, where this process may mount one (root); elsewhere nothing to show
        var probe = TinyRun.WorkDir();
        var config = TinyRun.Config("schedule.epochs=1");
        new Trainer(config, probe, TinyRun.Data(), null).Run();
        long checkpoint = new FileInfo(Path.Combine(probe, "latest.pth")).Length;
        var dir = Directory.CreateTempSubdirectory("shufflenet-full-disk-").FullName;
        // room for log.json and latest.pth, not for epoch_1.pth beside them
        long size = (checkpoint * 3 / 2 + 4095) / 4096 * 4096;
        if (!Mount(dir, size)) { output.WriteLine("cannot mount a tmpfs here (not root?): nothing to check"); return; }
        try
        {
            var e = Assert.Throws<CheckpointException>(() => new Trainer(config, dir, TinyRun.Data(), null).Run());
            output.WriteLine(e.Message);
            Assert.StartsWith($"cannot write '{Path.Combine(dir, "epoch_1.pth")}': the file system is full", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Equal(["latest.pth", "log.json"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName)
                .Order());
            Assert.Equal(1L, CheckpointFile.Load(Path.Combine(dir, "latest.pth")).Meta["epoch"]);
        }
        finally
        {
            Run("umount", dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<(string, int, int)> Positions(string log) =>
        [.. File.ReadLines(log).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("mode").GetString()!, e.GetProperty("epoch").GetInt32(), e.GetProperty("iter")
                .GetInt32()))];

    private static bool Mount(string dir, long bytes) =>
        Environment.UserName == "root" && Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", dir) == 0;

    private static int Run(string program, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception) { return -1; }
    }
}
