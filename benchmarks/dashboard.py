"""Benchmark the dashboard in a browser: a change on the Scenario page to settled Results.

The real interaction: on the Scenario page a user types a new capacity for the roof's
``GF1-strings`` array (default example, ``rotterdam-galerijflat``) and presses Enter;
the page reruns (the dashboard checks the edited scenario there, says it can be run and
starts its run in the background; before 2026-12-07 it ran it there); then the user
clicks Results in the sidebar, which shows that run (waiting for the rest of it if need
be). The time measured is the machine's part of it: from the Enter key to the Scenario
page settled, plus from the click on Results to the Results page settled (the user's own
pause between the two is not counted). Both moments are taken in the page's own clock
(``performance.now()``): the key press and the click by listeners in the page, the end
by a check that runs in the page every 20 ms (cheap: no layout until the rest holds).

**Settled** means, all at once: streamlit's script state has changed since the action
and is no longer ``running`` nor ``rerunRequested``; no element on the page is stale
(streamlit marks what the last run has not drawn again with ``data-stale="true"``);
no spinner and no "running" status widget; the page shows the expected text (on
Results: every headline figure equal to ``energysim run`` of the same edited scenario
file); every plotly chart shown has drawn its picture; then two more frames painted.

**Baseline**: ``benchmarks/dashboard_baseline_app.py``, the same job as a competent
Streamlit user writes it (the same inputs, the library's run cached with
``st.cache_data``, the same content on Results), served and driven the same way in the
same browser, interleaved with the dashboard (a fresh session of each app per round,
a new capacity every round, so every run is a cache miss on both servers). The check:
both show the headline figures of ``energysim run`` of the edited scenario (the
dashboard's exactly as its catalogue formats them; the baseline's parsed, within the
rounding it shows).

Prints per app the best and median of each part and of the whole, the ratio
dashboard / baseline, the CPU time per change of the app's server and of the browser
(every Chromium process of the benchmark's profile: on a shared machine wall times are
noisy, CPU times less so), the peak resident memory of each server process
(``VmHWM``), and the load average before and after. ``--before REV`` also serves the
dashboard of an earlier revision (its ``dashboards/`` from ``git archive``, running on
this checkout's library), interleaved in the same rounds: before and after a change.
Every server is started with ``python -m streamlit run`` in the folder that holds its
``dashboards/`` (the repository root, or the unpacked revision's folder), so each
imports its own revision's ``dashboards`` package; a revision from before the dashboard
became a package (its modules top-level, beside ``app.py``) runs the same way.

    python benchmarks/dashboard.py [--rounds 5] [--before REV]

Needs Debian's ``chromium`` and ``chromium-driver`` (as the browser tests).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from energysim.batch.sweep import set_path  # noqa: E402
from tests.helpers import results_figures  # noqa: E402
from tests.test_dashboard_browser import (  # noqa: E402
    Page,
    T,
    energysim_run,
    example,
    headless_chromium,
    streamlit_server,
    write,
    xq,
)

TARGET_S = 1.0
"""The target: a change on the Scenario page to settled Results in at most 1.0 s."""
ARRAY = "GF1-strings"
ARRAY_PATH = "buildings[0].arrays[2].capacity_kwp"
FIRST_KWP = 41.0
"""The first round's capacity (the example has 30 kWp); every round adds one."""
OTHER_KWP = 75.0
"""The example's other arrays: 2 x 250 m2 at 0.15 kWp/m2."""

POLL_MS = 20
"""How often the page looks whether it has settled: a settled page is seen at most this
late; it asks for no layout until everything else holds."""
MARKS_JS = """
if (!window.__esMarks) {
  window.__esMarks = {key: null, click: null};
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') window.__esMarks.key = performance.now();
  }, true);
  document.addEventListener('click', () => { window.__esMarks.click = performance.now(); }, true);
}
window.__esMarks.key = null; window.__esMarks.click = null;
"""
SETTLED_JS = """
const [before, expected, done] = arguments;
const BUSY = ['running', 'rerunRequested'];
function quiet() {  // cheap: no layout
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || window.__esChanges <= before) return false;
  if (BUSY.includes(app.getAttribute('data-test-script-state'))) return false;
  if (document.querySelector("[data-stale='true']")) return false;
  if (document.querySelector("[data-testid='stSpinner'], [data-testid='stStatusWidget']"))
    return false;
  const main = document.querySelector("[data-testid='stMain']");
  const text = main ? main.textContent : '';
  return expected.every((want) => text.includes(want));
}
function drawn() {  // every plotly chart shown has its picture (asks for layout)
  for (const chart of document.querySelectorAll("[data-testid='stPlotlyChart']")) {
    if (chart.offsetParent === null) continue;
    const svg = chart.querySelector('svg.main-svg');
    if (!svg || !(svg.getBoundingClientRect().width > 0)) return false;
  }
  return true;
}
function look() {
  if (quiet() && drawn()) {
    const finish = () => done([performance.now(), window.__esMarks]);
    requestAnimationFrame(() => requestAnimationFrame(finish));
  } else {
    setTimeout(look, POLL_MS);
  }
}
look();
""".replace("POLL_MS", str(POLL_MS))



@dataclass(frozen=True)
class App:
    """One app under test and how a user drives it."""

    name: str
    script: Path
    capacity_label: str
    """The aria-label of the capacity field of ``GF1-strings``."""
    results_nav: str
    scenario_nav: str
    scenario_shows: str
    """Text the Scenario page shows once it has taken a capacity in (``{kwp_nl}``,
    ``{kwp_en}``: the roof's total with one decimal, written as in Dutch or English)."""
    dashboard: bool = True
    """energysim's dashboard (any revision), not the baseline app."""
    root: Path = REPO
    """The folder the server starts in (on ``sys.path``: where ``dashboards`` is)."""

    def headline_ok(self, shown: dict[str, str], summary: dict[str, Any]) -> bool:
        """Whether the Results page's headline figures are those of ``summary``."""
        if self.dashboard:
            return shown == results_figures(summary)
        return baseline_figures_ok(shown, summary)

    def results_show(self, summary: dict[str, Any]) -> list[str]:
        """Text the settled Results page shows: the dashboard's headline figures as its
        catalogue formats them; the baseline's first metric's label."""
        return list(results_figures(summary).values()) if self.dashboard else ["generation (kWh)"]


DASHBOARD = App(
    "dashboard",
    REPO / "dashboards" / "app.py",
    T("form.capacity", name=ARRAY),
    T("nav.results"),
    T("nav.scenario"),
    "{kwp_nl} kWp",
)
BASELINE = App(
    "baseline",
    REPO / "benchmarks" / "dashboard_baseline_app.py",
    f"{ARRAY} capacity (kWp)",
    "Results",
    "Scenario",
    "The scenario is valid: {kwp_en} kWp",
    dashboard=False,
)
BASELINE_METRICS = {
    "generation (kWh)": ("generation_kwh", 1.0),
    "self-consumption": ("self_consumption_frac", 100.0),
    "self-sufficiency": ("self_sufficiency_frac", 100.0),
    "local ownership": ("local_ownership_frac", 100.0),
    "benefit to households (EUR/yr)": ("household_benefit_total_eur", 1.0),
}
"""The baseline's metric -> (summary key, the factor to its shown unit)."""


def baseline_figures_ok(shown: dict[str, str], summary: dict[str, Any]) -> bool:
    """The baseline shows each figure rounded (whole kWh and euros, 0.1%): within half
    a unit of its last digit of the summary's."""
    if set(shown) != set(BASELINE_METRICS):
        return False
    for label, (key, factor) in BASELINE_METRICS.items():
        text = shown[label].replace(",", "").rstrip("%")
        digits = len(text.split(".")[1]) if "." in text else 0
        if abs(float(text) - summary[key] * factor) > 0.5 * 10**-digits + 1e-9:
            return False
    return True


@dataclass
class Timings:
    """One app's measured rounds [s] and the CPU time per change of its server and of the
    browser [s]."""

    scenario: list[float] = field(default_factory=list)
    results: list[float] = field(default_factory=list)
    server_cpu: list[float] = field(default_factory=list)
    browser_cpu: list[float] = field(default_factory=list)
    checked: int = 0

    @property
    def total(self) -> list[float]:
        return [a + b for a, b in zip(self.scenario, self.results, strict=True)]


def cpu_s(pid: int) -> float:
    """User + system CPU time of a process and its finished children [s] (Linux)."""
    fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields_[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def browser_cpu_s(profile: Path) -> float:
    """CPU time of every Chromium process started with the ``profile`` folder [s]."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            if f"--user-data-dir={profile}".encode() in command:
                total += cpu_s(int(entry.name))
        except (OSError, ValueError):  # a process that ended meanwhile
            continue
    return total


def earlier_dashboard(rev: str, dest: Path) -> Path:
    """The ``app.py`` of revision ``rev``'s dashboard, unpacked under ``dest`` with that
    revision's ``energysim`` (and this checkout's example scenarios beside it, where the
    dashboard looks for them); serve it from ``dest``, so that ``dashboards`` and
    ``energysim`` are that revision's packages (``python -m`` puts ``dest`` first on the
    path)."""
    data = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev, "dashboards", "energysim"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    (dest / "scenarios").symlink_to(REPO / "scenarios")
    return dest / "dashboards" / "app.py"


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size of a process [MiB] (``VmHWM``, Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


STATE_JS = """
const app = document.querySelector("[data-testid='stApp']");
const busy = "[data-testid='stSpinner'], [data-testid='stStatusWidget']";
return {changes: window.__esChanges, state: app && app.getAttribute('data-test-script-state'),
  stale: document.querySelectorAll("[data-stale='true']").length,
  busy: document.querySelectorAll(busy).length};
"""


def settle(page: Page, before: int, expected: list[str]) -> tuple[float, dict[str, Any]]:
    """Wait for the page to settle (see the module's docstring); the page's clock then
    [ms] and the marks of the last key press and click."""
    from selenium.common.exceptions import TimeoutException

    try:
        end, marks = page.d.execute_async_script(SETTLED_JS, before, expected)
    except TimeoutException:
        raise SystemExit(
            f"the page did not settle: {page.d.execute_script(STATE_JS)} (changes before the "
            f"action: {before}); expected {expected}; it shows:\n{page.main_text()[:1500]}"
        ) from None
    return float(end), dict(marks)


def one_change(page: Page, app: App, kwp: float, summary: dict[str, Any]) -> tuple[float, float]:
    """Type ``kwp`` into the capacity field, Enter, wait; Results, wait. Both parts [s]."""
    total_kwp = OTHER_KWP + kwp
    shows = app.scenario_shows.format(
        kwp_nl=f"{total_kwp:.1f}".replace(".", ","), kwp_en=f"{total_kwp:.1f}"
    )
    field_ = page.find(page.By.XPATH, f"//input[@aria-label={xq(app.capacity_label)}]")
    field_.send_keys(page.Keys.CONTROL, "a")
    field_.send_keys(f"{kwp:g}")
    page.d.execute_script(MARKS_JS)
    _, before = page.script_state()
    field_.send_keys(page.Keys.ENTER)
    end, marks = settle(page, before, [shows])
    scenario_s = (end - marks["key"]) / 1000
    nav = page.find(
        page.By.XPATH,
        "//section[@data-testid='stSidebar']//label"
        f"[.//*[normalize-space(text())={xq(app.results_nav)}]]",
    )
    page.d.execute_script(MARKS_JS)
    _, before = page.script_state()
    nav.click()
    end, marks = settle(page, before, app.results_show(summary))
    results_s = (end - marks["click"]) / 1000
    if not app.headline_ok(page.metrics(), summary):
        raise SystemExit(
            f"{app.name} shows {page.metrics()} for {kwp:g} kWp; energysim run: "
            f"{results_figures(summary)}"
        )
    return scenario_s, results_s


def open_fresh(page: Page, app: App, url: str) -> None:
    """A new session of the app, its Results drawn once (imports, first render), then
    back on the Scenario page: where a user starts."""
    page.url = url
    page.d.get(url)
    page.until(lambda: app.capacity_label in page.d.page_source, f"{app.name} did not open")
    for name in (app.results_nav, app.scenario_nav):
        page.find(
            page.By.XPATH,
            "//section[@data-testid='stSidebar']//label"
            f"[.//*[normalize-space(text())={xq(name)}]]",
        ).click()
        page.idle()
    page.pictures_drawn()


def describe(values: list[float]) -> str:
    return f"best {min(values):.2f} s, median {statistics.median(values):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="changes timed per app")
    parser.add_argument("--before", help="also time the dashboard of this git revision")
    args = parser.parse_args()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="energysim-dashboard-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "ENERGYSIM_RESULTS_DIR"}
    env.pop("ENERGYSIM_NO_CACHE", None)
    env["ENERGYSIM_CACHE_DIR"] = str(work / "cache")
    os.environ["ENERGYSIM_CACHE_DIR"] = env["ENERGYSIM_CACHE_DIR"]
    expected = {}
    for r in range(args.rounds):
        kwp = FIRST_KWP + r
        edited = set_path(example("rotterdam-galerijflat"), ARRAY_PATH, kwp)
        path = write(work, f"edited-{kwp:g}.toml", edited)
        with contextlib.redirect_stdout(io.StringIO()):
            expected[kwp] = energysim_run(path, work / f"run-{kwp:g}")
    apps = [DASHBOARD, BASELINE]
    if args.before:
        script = earlier_dashboard(args.before, work / "before")
        before = dataclasses.replace(
            DASHBOARD, name=f"dashboard@{args.before}", script=script, root=work / "before"
        )
        apps.append(before)
    timings = {app.name: Timings() for app in apps}
    profile = work / "profile"
    with contextlib.ExitStack() as stack:
        servers = {}
        for app in apps:
            url, pid = stack.enter_context(streamlit_server(app.script, [], env, cwd=app.root))
            servers[app.name] = (app, url, pid)
        driver = stack.enter_context(headless_chromium(profile, work))
        driver.set_script_timeout(120)
        page = Page(driver, servers[DASHBOARD.name][1], work)
        names = list(servers)
        for r in range(args.rounds):
            kwp = FIRST_KWP + r
            order = names[r % len(names) :] + names[: r % len(names)]  # each first in turn
            for name in order:
                app, url, pid = servers[name]
                open_fresh(page, app, url)
                cpu, browser = cpu_s(pid), browser_cpu_s(profile)
                scenario_s, results_s = one_change(page, app, kwp, expected[kwp])
                timings[name].server_cpu.append(cpu_s(pid) - cpu)
                timings[name].browser_cpu.append(browser_cpu_s(profile) - browser)
                timings[name].scenario.append(scenario_s)
                timings[name].results.append(results_s)
                timings[name].checked += 1
                print(
                    f"round {r + 1}, {name}: {scenario_s:.2f} s + {results_s:.2f} s",
                    file=sys.stderr,
                )
        rss = {name: peak_rss_mib(pid) for name, (_a, _u, pid) in servers.items()}
    load_after = os.getloadavg()

    print(
        f"change on the Scenario page (GF1-strings {FIRST_KWP:g}..{FIRST_KWP + args.rounds - 1:g}"
        f" kWp) to settled Results, {args.rounds} rounds per app, interleaved, headless Chromium"
    )
    for name, tm in timings.items():
        print(
            f"  {name}: Scenario settled {describe(tm.scenario)}; Results settled "
            f"{describe(tm.results)}; change to settled Results {describe(tm.total)}; "
            f"CPU per change (median): server {statistics.median(tm.server_cpu):.2f} s, "
            f"browser {statistics.median(tm.browser_cpu):.2f} s; "
            f"server peak RSS {rss[name]:.0f} MiB"
        )
    checked = " + ".join(str(tm.checked) for tm in timings.values())
    print(
        f"check: in all {checked} rounds every app showed the headline figures of `energysim"
        " run` of the edited scenario (the dashboard's exactly; the baseline's within the"
        " rounding it shows: 1 kWh, 1 EUR, 0.1%)"
    )
    dash = timings[DASHBOARD.name]
    for other in list(timings)[1:]:
        tm = timings[other]
        print(
            f"ratio dashboard / {other}: wall {_ratio(dash.total, tm.total):.2f}x (medians); "
            f"server CPU {_ratio(dash.server_cpu, tm.server_cpu):.2f}x; browser CPU "
            f"{_ratio(dash.browser_cpu, tm.browser_cpu):.2f}x"
        )
    median = statistics.median(dash.total)
    print(
        f"target: change to settled Results <= {TARGET_S} s: dashboard median {median:.2f} s, "
        f"best {min(dash.total):.2f} s ({'met' if median <= TARGET_S else 'NOT met'}); its CPU"
        f" per change alone (server + browser, medians) "
        f"{statistics.median(dash.server_cpu) + statistics.median(dash.browser_cpu):.2f} s"
    )
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{v:.1f}" for v in load_before)
        + "; after "
        + ", ".join(f"{v:.1f}" for v in load_after)
    )
    again = f" --before {args.before}" if args.before else ""
    print(f"how to re-run: python benchmarks/dashboard.py --rounds {args.rounds}{again}")


def _ratio(a: list[float], b: list[float]) -> float:
    return statistics.median(a) / statistics.median(b)


if __name__ == "__main__":
    main()
