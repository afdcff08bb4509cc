namespace ExperimentRunner.Storage.Tests;

public sealed class CliTests
{
    private static readonly Dictionary<string, string?> WithPassword = new() { [StudyFiles.PasswordVariable] = "s3cret" };

    [Fact]
    public void Db_check_says_healthy_with_exit_0_and_unreadable_with_exit_2_without_a_stack_trace()
    {
        using var temp = new TempFolder();
        string db = ExportTests.CreateStudy(temp, flips: true);
        (int ok, string okOut, _) = Exrun.Run(temp.Path, null, "db", "check", "--db", db);
        Assert.Equal(0, ok);
        Assert.Contains("healthy", okOut);
        Assert.Contains("has not ended", okOut);

        File.WriteAllBytes(temp.File("junk.db"), new byte[8192 * 2]);
        (int bad, string badOut, string badErr) = Exrun.Run(temp.Path, null, "db", "check", "--db", temp.File("junk.db"));
        Assert.Equal(2, bad);
        Assert.Contains("not a", badErr);
        Assert.DoesNotContain("   at ", badOut + badErr);

        (int missing, _, string missingErr) = Exrun.Run(temp.Path, null, "db", "check", "--db", temp.File("none.db"));
        Assert.Equal(2, missing);
        Assert.Contains("does not exist", missingErr);
    }

    [Fact]
    public void An_encrypted_study_opens_only_with_its_password_from_the_environment()
    {
        using var temp = new TempFolder();
        string db = temp.File("enc.db");
        (int soak, _, string soakErr) = Exrun.Run(temp.Path, WithPassword, "db", "soak", "--db", db, "--rate", "500", "--seconds", "0.5");
        Assert.True(soak == 0, soakErr);

        (int without, _, string withoutErr) = Exrun.Run(temp.Path, null, "export", "--db", db, "--format", "tsv", "--out", temp.File("out"));
        Assert.Equal(2, without);
        Assert.Contains(StudyFiles.PasswordVariable, withoutErr);
        Assert.DoesNotContain("   at ", withoutErr);

        (int wrong, _, string wrongErr) = Exrun.Run(temp.Path, new Dictionary<string, string?> { [StudyFiles.PasswordVariable] = "nope" }, "db", "check", "--db", db);
        Assert.Equal(2, wrong);
        Assert.Contains("wrong", wrongErr);

        (int encrypt, _, string encryptErr) = Exrun.Run(temp.Path, null, "db", "check", "--db", db, "--encrypt");
        Assert.Equal(2, encrypt);
        Assert.Contains(StudyFiles.PasswordVariable, encryptErr);

        (int right, string rightOut, string rightErr) = Exrun.Run(temp.Path, WithPassword, "export", "--db", db, "--format", "json", "--out", temp.File("out"));
        Assert.True(right == 0, rightOut + rightErr);
        Assert.True(File.Exists(temp.File("out/study.json")));
    }

    [Fact]
    public void Export_into_a_dataset_whose_repetition_time_disagrees_exits_2_with_a_clear_message()
    {
        using var temp = new TempFolder();
        string db = ExportTests.CreateStudy(temp, flips: false);
        string root = temp.File("ds");
        ExportTests.MakeBoldDataset(root, "p02", "1", run: 1, tr: 3.0);
        (int code, _, string err) = Exrun.Run(temp.Path, null, "export", "--db", db, "--format", "bids", "--participant", "p02", "--into", root);
        Assert.Equal(2, code);
        Assert.Contains("RepetitionTime 3", err);
        Assert.DoesNotContain("   at ", err);
    }
}
