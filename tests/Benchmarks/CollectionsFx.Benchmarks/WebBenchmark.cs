using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CollectionsFx.Cli;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Contracts;
using Microsoft.Playwright;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// The web app as a user meets it, on loopback: `cfx` published in Release (the web app's files pre-compressed), served by
/// `cfx serve` over Azurite with the demo company. Measures (1) the published size, raw and as transferred (Brotli);
/// (2) cold first load in a fresh Chromium context, from navigation to the first interactive control, over several runs;
/// (3) scrolling a 5,000-customer worklist (virtualised): frame times while scrolling; (4) the KPI and worklist endpoints
/// under a bounded concurrent load: p50/p95/p99 and errors.
/// </summary>
internal static class WebBenchmark
{
    private const string Chromium = "/usr/bin/chromium";
    internal const string Source = "erp";
    internal const string Secret = "bench-secret";

    public static async Task RunAsync(string root, AzuriteProcess azurite, bool localDemo, int runs, int clients, int seconds, int customers, int months)
    {
        var (serve, baseUrl) = await PublishAndServeAsync(root, azurite, localDemo ? "cfx" : "w" + Guid.NewGuid().ToString("N")[..10]).ConfigureAwait(false);
        using var _ = serve;
        var watch = Stopwatch.StartNew();
        try
        {
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
            if (localDemo)
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync("api/kpis").ConfigureAwait(false));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  the demo company of `cfx up`: {doc.RootElement.GetProperty("snapshot").GetProperty("events").GetInt32():N0} events loaded in {watch.Elapsed.TotalSeconds:0} s"));
            }
            else
            {
                await SeedAsync(http, customers, months).ConfigureAwait(false);
            }

            await BrowseAsync(baseUrl, http, runs, clients, seconds).ConfigureAwait(false);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// `cfx` published in Release (the web app's files pre-compressed) and started as `cfx serve` over <paramref name="azurite"/>
    /// with <paramref name="prefix"/>, answering its health route; the caller kills it.
    /// </summary>
    internal static async Task<(Process Serve, Uri BaseUrl)> PublishAndServeAsync(string root, AzuriteProcess azurite, string prefix)
    {
        var published = Path.Combine(Path.GetTempPath(), "cfx-web-bench");
        var watch = Stopwatch.StartNew();
        await RunProcessAsync("dotnet", root, "publish", Path.Combine("src", "CollectionsFx.Cli"), "-c", "Release", "-o", published, "--nologo", "-v", "q").ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  published cfx (Release) in {watch.Elapsed.TotalSeconds:0} s"));
        ReportSize(Path.Combine(published, "wwwroot"));

        var ports = Tools.FreePorts(2);
        var baseUrl = new Uri($"http://127.0.0.1:{ports[0]}/");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = published, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(published, "cfx.dll"));
        start.ArgumentList.Add("serve");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__ConnectionString"] = azurite.ConnectionString;
        start.Environment["Storage__Prefix"] = prefix;
        start.Environment["urls"] = baseUrl.ToString().TrimEnd('/');
        start.Environment["Durable__GrpcPort"] = ports[1].ToString(CultureInfo.InvariantCulture);
        start.Environment[$"Ingestion__Secrets__{Source}"] = Secret;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Jobs__Enabled"] = "false";
        var serve = Process.Start(start)!;
        serve.OutputDataReceived += (_, _) => { };
        serve.ErrorDataReceived += (_, _) => { };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = baseUrl };
        await WaitAsync(async () => (await http.GetAsync("api/health").ConfigureAwait(false)).IsSuccessStatusCode, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return (serve, baseUrl);
    }

    internal static async Task SeedAsync(HttpClient http, int customers, int months)
    {
        var watch = Stopwatch.StartNew();
        var options = new DemoOptions(customers, months);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var seeder = new DemoSeeder(http, new Dictionary<string, string> { [Source] = Secret }, TimeProvider.System);
        await seeder.SeedRatesAsync(DemoCompany.RatesCsv(options, today)).ConfigureAwait(false);
        var events = DemoCompany.Generate(options, today);
        await seeder.SeedAsync(events, sourceOverride: Source).ConfigureAwait(false);
        await WaitAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("api/kpis").ConfigureAwait(false));
            return doc.RootElement.GetProperty("snapshot").GetProperty("events").GetInt32() >= events.Count;
        }, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  demo company ({customers} customers, {months} months, {events.Count:N0} events) seeded in {watch.Elapsed.TotalSeconds:0} s"));
    }

    private static async Task BrowseAsync(Uri baseUrl, HttpClient http, int runs, int clients, int seconds)
    {
        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        }).ConfigureAwait(false);
        await ColdLoadAsync(browser, baseUrl, runs).ConfigureAwait(false);
        await ScrollAsync(browser, baseUrl, http).ConfigureAwait(false);
        await ApiLoadAsync(baseUrl, clients, seconds).ConfigureAwait(false);
    }

    private static void ReportSize(string wwwroot)
    {
        var files = Directory.GetFiles(wwwroot, "*", SearchOption.AllDirectories);
        var originals = files.Where(f => !f.EndsWith(".br", StringComparison.Ordinal) && !f.EndsWith(".gz", StringComparison.Ordinal)).ToList();
        var raw = originals.Sum(f => new FileInfo(f).Length);
        var framework = originals.Where(f => f.Contains($"{Path.DirectorySeparatorChar}_framework{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        var brotli = framework.Sum(f => File.Exists(f + ".br") ? new FileInfo(f + ".br").Length : new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  published web app: {originals.Count} files, {raw / 1048576.0:0.0} MiB raw; _framework {framework.Sum(f => new FileInfo(f).Length) / 1048576.0:0.0} MiB raw, {brotli / 1048576.0:0.0} MiB as Brotli"));
    }

    /// <summary>Fresh context (empty cache) each run: navigation start to the sign-in's first button, then to the CFO's tiles.</summary>
    private static async Task ColdLoadAsync(IBrowser browser, Uri baseUrl, int runs)
    {
        var interactive = new List<double>();
        var tiles = new List<double>();
        var transferred = new List<long>();
        for (var run = 0; run <= runs; run++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString() }).ConfigureAwait(false);
            var page = await context.NewPageAsync().ConfigureAwait(false);
            var responses = new ConcurrentBag<IResponse>();
            var console = new ConcurrentQueue<string>();
            page.Response += (_, r) => responses.Add(r);
            page.Console += (_, m) => console.Enqueue($"{m.Type}: {m.Text}");
            await page.GotoAsync("/signin").ConfigureAwait(false);
            try
            {
                await page.GetByTestId("user-carla").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 }).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Console.WriteLine("  the sign-in page did not become interactive; browser console:\n    " + string.Join("\n    ", console.Take(20)));
                throw;
            }

            var ready = await page.EvaluateAsync<double>("() => performance.now()").ConfigureAwait(false);
            long bytes = 0;
            foreach (var r in responses)
            {
                bytes += (await r.Request.SizesAsync().ConfigureAwait(false)).ResponseBodySize;
            }

            var clicked = await page.EvaluateAsync<double>("() => performance.now()").ConfigureAwait(false);
            await page.GetByTestId("user-carla").ClickAsync().ConfigureAwait(false);
            await page.GetByTestId("tile-dsoCountback-value").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 }).ConfigureAwait(false);
            var shown = await page.EvaluateAsync<double>("() => performance.now()").ConfigureAwait(false);
            if (run == 0)
            {
                continue; // warm-up: the server's first requests (JIT, snapshot caches)
            }

            interactive.Add(ready / 1000);
            tiles.Add((shown - clicked) / 1000);
            transferred.Add(bytes);
        }

        interactive.Sort();
        tiles.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  cold first load to interactive (sign-in buttons): median {interactive[interactive.Count / 2]:0.00} s, max {interactive[^1]:0.00} s over {runs} runs (goal < 3 s); {transferred.Average() / 1048576.0:0.0} MiB transferred"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sign-in click to the CFO's KPI tiles: median {tiles[tiles.Count / 2]:0.00} s, max {tiles[^1]:0.00} s"));
    }

    /// <summary>The worklist with 5,000 customers (the demo's rows repeated under new ids), scrolled for 300 frames.</summary>
    private static async Task ScrollAsync(IBrowser browser, Uri baseUrl, HttpClient http)
    {
        var real = JsonSerializer.Deserialize<WorklistPage>(await http.GetStringAsync("api/worklist?limit=5000").ConfigureAwait(false), ApiJsonOptions.Value)!;
        var items = Enumerable.Range(0, 5000).Select(i =>
        {
            var e = real.Items[i % real.Items.Count];
            return e with { Customer = e.Customer with { CustomerId = $"BENCH-{i:D5}", ValueAtStake = 5000 - i } };
        }).ToList();
        var body = JsonSerializer.Serialize(real with { Items = items, Total = items.Count }, ApiJsonOptions.Value);

        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } }).ConfigureAwait(false);
        var page = await context.NewPageAsync().ConfigureAwait(false);
        await page.RouteAsync("**/api/worklist?limit=5000*", route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = body })).ConfigureAwait(false);
        await page.GotoAsync("/signin").ConfigureAwait(false);
        await page.GetByTestId("user-maria").ClickAsync().ConfigureAwait(false);
        await page.GotoAsync("/worklist").ConfigureAwait(false);
        await page.GetByTestId("worklist-row").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 }).ConfigureAwait(false);
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const body = document.querySelector('[data-testid=worklist]');
              const frames = [];
              let last = performance.now();
              for (let i = 0; i < 300; i++) {
                body.scrollTop += 240;
                await new Promise(r => requestAnimationFrame(r));
                const now = performance.now();
                frames.push(now - last);
                last = now;
              }
              return { frames, rows: document.querySelectorAll('[data-testid=worklist-row]').length, scrolled: body.scrollTop, height: body.scrollHeight };
            }
            """).ConfigureAwait(false);
        var frames = result.GetProperty("frames").EnumerateArray().Select(f => f.GetDouble()).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  worklist of 5,000 customers scrolled 300 frames ({result.GetProperty("scrolled").GetDouble() / 57:N0} rows down): frame median {frames[frames.Count / 2]:0.0} ms, p95 {frames[(int)(frames.Count * 0.95)]:0.0} ms, max {frames[^1]:0.0} ms, {frames.Count(f => f > 50)} frames over 50 ms; {result.GetProperty("rows").GetInt32()} rows in the DOM"));
    }

    /// <summary>Concurrent clients for a fixed time on the views' endpoints, each timed to its last byte.</summary>
    private static async Task ApiLoadAsync(Uri baseUrl, int clients, int seconds)
    {
        string[] kpiUrls = ["api/kpis", "api/kpis?groupBy=collector", "api/kpis/trend?months=13", "api/forecast"];
        string[] worklistUrls = ["api/worklist?limit=100", "api/worklist?limit=5000", "api/worklist?collector=alice", "api/customers/"];
        var customerIds = JsonSerializer.Deserialize<WorklistPage>(await new HttpClient { BaseAddress = baseUrl }.GetStringAsync("api/worklist?limit=50").ConfigureAwait(false), ApiJsonOptions.Value)!
            .Items.Select(e => e.Customer.CustomerId).ToList();
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var url in kpiUrls.Concat(worklistUrls).Select(u => u.EndsWith('/') ? u + customerIds[0] : u))
        {
            (await http.GetAsync(url).ConfigureAwait(false)).Dispose(); // warm: each answer computed once
        }

        var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var errors = 0;
        var until = DateTime.UtcNow.AddSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var random = new Random(c);
            while (DateTime.UtcNow < until)
            {
                var kpi = random.Next(2) == 0;
                var url = kpi ? kpiUrls[random.Next(kpiUrls.Length)] : worklistUrls[random.Next(worklistUrls.Length)];
                var path = url.EndsWith('/') ? url + customerIds[random.Next(customerIds.Count)] : url; // a customer 360 of the top 50
                var t = Stopwatch.StartNew();
                try
                {
                    using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                    await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }

                timings.GetOrAdd(kpi ? "KPIs, trend, forecast" : "worklist, customer 360", _ => []).Add(t.Elapsed.TotalMilliseconds);
                timings.GetOrAdd("  " + url, _ => []).Add(t.Elapsed.TotalMilliseconds);
            }
        })).ConfigureAwait(false);

        foreach (var (name, bag) in timings.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var sorted = bag.Order().ToList();
            double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: {sorted.Count:N0} requests from {clients} clients in {seconds} s, p50 {P(0.50):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms (goal p95 < 150 ms)"));
        }

        Console.WriteLine($"  errors: {errors}");
    }

    private static async Task RunProcessAsync(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }
    }

    internal static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (HttpRequestException) when (watch.Elapsed < timeout)
            {
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException("the benchmark's host did not get ready");
            }

            await Task.Delay(500).ConfigureAwait(false);
        }
    }
}
