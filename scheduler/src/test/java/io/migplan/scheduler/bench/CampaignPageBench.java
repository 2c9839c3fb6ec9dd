package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.args;
import static io.migplan.scheduler.bench.FleetBench.percentile;
import static io.migplan.scheduler.bench.FleetBench.print;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * How long the console's page of a 1,000-host campaign takes to load in headless Chromium. Writes a
 * campaign of that size straight into the scheduler's database (its rows as the scheduler writes
 * them: 1,000 hosts in 10 batches, the first five done, 18 migrations per host, 9,600 events;
 * PAUSED, so the background tick leaves it alone), then opens {@code /console/campaigns/<id>}
 * {@code --runs} times after two warm-up loads, signed in with a viewer's token as the session
 * cookie, and reads the browser's navigation timing: time to the answer's first byte, to
 * DOMContentLoaded and to the load event (scripts, the chart and styles included; the live
 * updates' event stream and the way back, asked later, are not). Beside it, the answer times of
 * the page and of the API's full view ({@code GET /api/v1/campaigns/<id>}) over plain HTTP, and
 * their sizes. A benchmark, not a test: it judges nothing.
 *
 * <p>Usage: {@code CampaignPageBench --scheduler 127.0.0.1:18098 --jdbc
 * jdbc:postgresql://127.0.0.1:5432/pagebench --token <viewer token> [--runs 20]}
 */
public final class CampaignPageBench {

    static final String ID = "camp-page1000";
    static final int HOSTS = 1000;
    static final int BATCHES = 10;
    static final int PER_HOST = 18;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        String base = "http://" + a.getOrDefault("scheduler", "127.0.0.1:18098");
        String token = a.get("token");
        int runs = Integer.parseInt(a.getOrDefault("runs", "20"));
        try (Connection c = DriverManager.getConnection(a.get("jdbc"), a.getOrDefault("user", "postgres"), "")) {
            write(c);
        }
        HttpClient http = HttpClient.newHttpClient();
        print("page_bytes", fetch(http, base + "/console/campaigns/" + ID, "Cookie", "migplan_console=" + token).body()
                .length());
        print("api_full_view_bytes", fetch(http, base + "/api/v1/campaigns/" + ID, "Authorization", "Bearer " + token)
                .body().length());
        List<Long> page = new ArrayList<>();
        List<Long> api = new ArrayList<>();
        for (int i = 0; i < runs + 2; i++) {
            long t0 = System.nanoTime();
            fetch(http, base + "/console/campaigns/" + ID, "Cookie", "migplan_console=" + token);
            long t1 = System.nanoTime();
            fetch(http, base + "/api/v1/campaigns/" + ID, "Authorization", "Bearer " + token);
            long t2 = System.nanoTime();
            if (i >= 2) {
                page.add((t1 - t0) / 1000);
                api.add((t2 - t1) / 1000);
            }
        }
        print("http_page_median_ms", percentile(page, 50) / 1000.0);
        print("http_api_full_view_median_ms", percentile(api, 50) / 1000.0);
        browse(base, token, runs);
    }

    static HttpResponse<String> fetch(HttpClient http, String url, String header, String value) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header(header, value)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    static void browse(String base, String token, int runs) throws Exception {
        Path profile = Files.createTempDirectory("migplan-bench-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build(), options);
        try {
            browser.get(base + "/console/login");
            browser.manage().addCookie(new Cookie.Builder("migplan_console", token).path("/console").isHttpOnly(true)
                    .sameSite("Strict").build());
            List<Long> ttfb = new ArrayList<>();
            List<Long> dom = new ArrayList<>();
            List<Long> load = new ArrayList<>();
            for (int i = 0; i < runs + 2; i++) {
                browser.get(base + "/console/campaigns/" + ID);
                @SuppressWarnings("unchecked")
                List<Number> t = (List<Number>) ((JavascriptExecutor) browser).executeScript(
                        "var n = performance.getEntriesByType('navigation')[0];"
                                + " return [n.responseStart, n.domContentLoadedEventEnd, n.loadEventEnd];");
                if (i >= 2) {
                    ttfb.add(Math.round(t.get(0).doubleValue() * 1000));
                    dom.add(Math.round(t.get(1).doubleValue() * 1000));
                    load.add(Math.round(t.get(2).doubleValue() * 1000));
                }
            }
            print("browser_runs", runs);
            print("browser_first_byte_median_ms", percentile(ttfb, 50) / 1000.0);
            print("browser_dom_content_loaded_median_ms", percentile(dom, 50) / 1000.0);
            print("browser_load_median_ms", percentile(load, 50) / 1000.0);
            print("browser_load_max_ms", percentile(load, 100) / 1000.0);
        } finally {
            browser.quit();
        }
    }

    /** The campaign's rows, as the scheduler writes them; any earlier copy is replaced. */
    static void write(Connection c) throws Exception {
        int doneBatches = BATCHES / 2;
        int perBatch = HOSTS / BATCHES;
        try (Statement s = c.createStatement()) {
            s.execute("delete from campaign where id = '" + ID + "'");
            String scope = "(select jsonb_agg(format('h%s', lpad(i::text, 4, '0')) order by i)"
                    + " from generate_series(1, " + HOSTS + ") i)";
            s.execute("insert into campaign (id, state, from_release, to_release, request, plan, plan_version,"
                    + " created_at, updated_at, kind, reason) values ('" + ID + "', 'PAUSED', '2025.1', '2025.2',"
                    + " jsonb_build_object('scope', " + scope + ", 'maxHostsInMaintenance', " + perBatch + ","
                    + " 'maxPerFailureDomain', 1000, 'maxOutboundPerHost', 4, 'maxInboundPerHost', 4,"
                    + " 'maxParallel', 64, 'headroomPercent', 10, 'allowBackward', false, 'dryRun', false,"
                    + " 'vmsInScope', " + HOSTS * PER_HOST + ", 'timeLimitSeconds', 60,"
                    + " 'migrationTimeoutSeconds', 1800),"
                    + " jsonb_build_object('unmovable', (select jsonb_agg(jsonb_build_object('vm', 'stuck-' || i,"
                    + " 'vmUuid', md5('stuck' || i)::uuid, 'host', format('h%s', lpad(i::text, 4, '0')),"
                    + " 'reasons', jsonb_build_array(jsonb_build_object('code', 'NO_COMPATIBLE_TARGET',"
                    + " 'message', 'no host at 2025.2 accepts its nvidia-231 state')))) from generate_series(1, 20) i),"
                    + " 'heldBack', '[]'::jsonb, 'blocked', '[]'::jsonb, 'metrics', jsonb_build_object('vms', "
                    + HOSTS * PER_HOST + ", 'migrations', " + (HOSTS * PER_HOST + 180) + ", 'migrationsPerVm', "
                    + (HOSTS * PER_HOST + 180) / (double) (HOSTS * PER_HOST) + ", 'movedTwice', 180, 'batches', "
                    + BATCHES + ", 'waves', 170, 'lowerBound', " + (HOSTS * PER_HOST + 120) + ", 'blocked', 0,"
                    + " 'planMillis', 61000, 'naive', jsonb_build_object('migrations', " + HOSTS * PER_HOST * 3 / 2
                    + ", 'migrationsPerVm', 1.5, 'movedTwice', " + HOSTS * PER_HOST / 2 + ", 'blocked', 0))),"
                    + " 1, now() - interval '2 hours', now(), 'UPGRADE', '')");
            s.execute("insert into campaign_host (campaign_id, host, batch, canary, state, note)"
                    + " select '" + ID + "', format('h%s', lpad(i::text, 4, '0')), (i - 1) / " + perBatch + " + 1,"
                    + " i <= 2, case when (i - 1) / " + perBatch + " < " + doneBatches + " then 'DONE' else 'PENDING'"
                    + " end, '' from generate_series(1, " + HOSTS + ") i");
            s.execute("insert into campaign_migration (id, campaign_id, plan_version, batch, wave, vm, vm_uuid,"
                    + " from_host, to_host, parents, types, state, basis, settled, issued_at, finished_at)"
                    + " select format('m-%s', n), '" + ID + "', 1, (h - 1) / " + perBatch + " + 1, (n % 17) + 1,"
                    + " format('vm-%s', n), md5('vm' || n)::uuid, format('h%s', lpad(h::text, 4, '0')),"
                    + " format('h%s', lpad((h % " + HOSTS + " + 1)::text, 4, '0')), '[\"0000:3b:00.0\"]',"
                    + " '[\"nvidia-231\"]', case when (h - 1) / " + perBatch + " < " + doneBatches + " then 'DONE'"
                    + " else 'PLANNED' end, 'PROBED', (h - 1) / " + perBatch + " < " + doneBatches + ", now(), now()"
                    + " from (select n, (n - 1) / " + PER_HOST + " + 1 as h from generate_series(1, "
                    + HOSTS * PER_HOST + ") n) x");
            s.execute("insert into campaign_event (campaign_id, at, kind, message, position, state, host, vm,"
                    + " migration_id, batch) select '" + ID + "', now() - interval '2 hours' + n * interval '1 s',"
                    + " case when n = 1 then 'PLANNED' when n % 19 = 0 then 'HOST_DONE' else 'MIGRATION_DONE' end,"
                    + " format('event %s of the synthetic campaign', n), n, 'RUNNING', null, null, null, null"
                    + " from generate_series(1, 9600) n");
            s.execute("update campaign set last_event_position = 9600 where id = '" + ID + "'");
        }
    }
}
