using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using ShuffleNet.Serving.Tests.Support;
using Xunit.Abstractions;

namespace ShuffleNet.Serving.Tests.Browser;

/// <summary>
/// The page at <c>/</c> in Debian's headless Chromium (tools/setup.sh installs chromium and chromium-driver): pick a
/// photo, see its top-5 as bars. Set SHUFFLENET_SCREENSHOT=FILE.png to keep the screenshot.
/// </summary>
public class WebPageTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium", ChromeDriver = "/usr/bin/chromedriver";

    [Fact]
    public async Task Picking_a_photo_shows_its_top5_as_bars_in_headless_chromium()
    {
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver),
            $"{Chromium} and {ChromeDriver} are needed: run tools/setup.sh (Debian packages chromium, " +
                "chromium-driver)");
        await using var service = await RunningService.StartAsync(OrtBackend.OpenReference());
        var profile = Directory.CreateTempSubdirectory("shufflenet-chromium-");
        try
        {
            using var driver = StartChromium(profile.FullName);
            driver.Navigate().GoToUrl(service.Url + "/");
            Assert.Equal("ShuffleNet V2 classifier", driver.Title);
            driver.FindElement(By.Id("file")).SendKeys(TestData.Photo("chelsea.png"));

            var rows = WaitFor(() => driver.FindElements(By.CssSelector("#bars .row")) is { Count: 5 } r ? r : null);
            var expected = JsonDocument.Parse(File.ReadAllText(TestData.Reference("expected_1.0.json"))).RootElement
                .GetProperty("images").GetProperty("chelsea.png").GetProperty("top5").EnumerateArray().ToList();
            Assert.Equal("chelsea.png", driver.FindElement(By.CssSelector("#bars .name")).Text);
            double trackWidth = rows[0].FindElement(By.ClassName("track")).Size.Width;
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(expected[i].GetProperty("index").GetInt32().ToString(CultureInfo.InvariantCulture),
                    rows[i].GetDomAttribute("data-index"));
                Assert.Equal(expected[i].GetProperty("label").GetString(), rows[i].FindElement(By.ClassName("label"))
                    .Text);
                double score = expected[i].GetProperty("score").GetDouble();
                Assert.Equal($"{100 * score:F1}%", rows[i].FindElement(By.ClassName("score")).Text);
                // the bar is drawn: its filled width is the score's share of the track (within a pixel or two)
                double fill = rows[i].FindElement(By.ClassName("fill")).Size.Width;
                Assert.InRange(fill, score * trackWidth - 2, score * trackWidth + 2);
            }
            Assert.Equal("", driver.FindElement(By.Id("error")).Text);

            var shot = ((ITakesScreenshot)driver).GetScreenshot();
            var keep = Environment.GetEnvironmentVariable("SHUFFLENET_SCREENSHOT");
            var path = keep ?? Path.Combine(profile.FullName, "page.png");
            shot.SaveAsFile(path);
            Assert.True(new FileInfo(path).Length > 10_000, "the screenshot is nearly empty");
            output.WriteLine($"screenshot: {path}");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static ChromeDriver StartChromium(string profile)
    {
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage",
            "--window-size=900,640", $"--user-data-dir={profile}");
        var driverService = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!,
            Path.GetFileName(ChromeDriver));
        driverService.SuppressInitialDiagnosticInformation = true;
        driverService.HideCommandPromptWindow = true;
        return new ChromeDriver(driverService, options, TimeSpan.FromSeconds(60));
    }

    private static T WaitFor<T>(Func<T?> probe) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (probe() is { } found) return found;
            if (DateTime.UtcNow > until) throw new TimeoutException("the page did not show the answer in 30 s");
            Thread.Sleep(50);
        }
    }
}
