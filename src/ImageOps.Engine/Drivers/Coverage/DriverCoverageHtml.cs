using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Renders a coverage report as one self-contained HTML page (inline CSS, no script, no external
/// resources): a banner with the overall result, a matrix of models × device classes coloured by the
/// worst outcome in each cell (green covered, blue inbox, amber warning, red failure, grey none), and per
/// model the problems and the packages it would get. Every text is HTML-encoded: inventories and INFs
/// are not trusted.
/// </summary>
public static class DriverCoverageHtml
{
    /// <summary>The page.</summary>
    public static string Render(DriverCoverageReport report)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Driver coverage — ").Append(E(report.Platform.ToString())).Append("</title>\n");
        h.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        h.Append("<header class=\"banner ").Append(Css_(report.Status)).Append("\" id=\"summary\" data-status=\"").Append(report.Status.ToString().ToLowerInvariant()).Append("\">\n");
        h.Append("<h1>Driver coverage: ").Append(Word(report.Status)).Append("</h1>\n<p>");
        h.Append(Count(report.Models.Length, "model")).Append(" — <b>").Append(report.Failed).Append(" fail</b>, ").Append(report.Warned).Append(" warn, ").Append(report.Passed).Append(" pass");
        h.Append(" · Windows ").Append(E(report.Platform.ToString())).Append("</p>\n<p class=\"small\">Inventory ").Append(E(report.InventoryPath)).Append(" · library ").Append(E(report.LibraryPath)).Append(" · ").Append(report.GeneratedUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        if (report.SkippedRows > 0)
        {
            h.Append(" · ").Append(Count(report.SkippedRows, "row")).Append(" skipped (not present or without ids)");
        }

        h.Append("</p>\n</header>\n");
        h.Append("<section>\n<h2>Models × device classes</h2>\n<table class=\"matrix\" id=\"matrix\">\n<thead><tr><th class=\"model\">Model</th><th>Computers</th><th>Result</th>");
        foreach (var cls in report.Classes)
        {
            h.Append("<th class=\"cls\">").Append(E(cls)).Append("</th>");
        }

        h.Append("<th>Packages</th></tr></thead>\n<tbody>\n");
        for (var m = 0; m < report.Models.Length; m++)
        {
            var model = report.Models[m];
            h.Append("<tr data-model=\"").Append(E(model.Model.ToString())).Append("\"><th class=\"model\"><a href=\"#model-").Append(m).Append("\">").Append(E(model.Model.ToString())).Append("</a></th>");
            h.Append("<td class=\"num\">").Append(model.Computers).Append("</td>");
            h.Append("<td class=\"cell ").Append(Css_(model.Status)).Append("\" data-status=\"").Append(model.Status.ToString().ToLowerInvariant()).Append("\">").Append(Word(model.Status)).Append("</td>");
            foreach (var cls in report.Classes)
            {
                var cell = model.Classes.FirstOrDefault(c => string.Equals(c.Class, cls, StringComparison.OrdinalIgnoreCase));
                if (cell is null)
                {
                    h.Append("<td class=\"cell none\" data-status=\"none\">—</td>");
                    continue;
                }

                var css = cell.Status != CoverageStatus.Pass ? Css_(cell.Status) : cell.Covered == 0 && cell.Inbox + cell.NotRequested > 0 ? "inbox" : "pass";
                var title = string.Format(CultureInfo.InvariantCulture, "{0} device(s): {1} covered by the library, {2} inbox, {3} missing, {4} not the curated driver, {5} storage driver(s) not boot-start, {6} without drivers by profile choice", cell.Devices, cell.Covered, cell.Inbox, cell.Missing, cell.DifferentFromCurated, cell.NotBootStart, cell.NotRequested);
                h.Append("<td class=\"cell ").Append(css).Append("\" data-status=\"").Append(css).Append("\" data-class=\"").Append(E(cls)).Append("\" title=\"").Append(E(title)).Append("\">");
                h.Append(cell.Covered + cell.Inbox).Append('/').Append(cell.Devices);
                Tag(h, cell.NotBootStart, "not boot-start");
                Tag(h, cell.NotRequested, "no drivers (profile)");
                if (cell.Missing > 0)
                {
                    h.Append("<span class=\"tag\">").Append(cell.Missing).Append(" missing</span>");
                }

                if (cell.DifferentFromCurated > 0)
                {
                    h.Append("<span class=\"tag\">").Append(cell.DifferentFromCurated).Append(" not curated</span>");
                }

                h.Append("</td>");
            }

            h.Append("<td class=\"num\">").Append(model.Packages).Append("</td></tr>\n");
        }

        h.Append("</tbody>\n</table>\n");
        h.Append("<p class=\"legend\"><span class=\"cell pass\">covered</span> <span class=\"cell inbox\">inbox driver</span> <span class=\"cell warning\">warning</span> <span class=\"cell fail\">failure</span> <span class=\"cell none\">no devices</span> — a cell shows devices with a driver / devices of the class.</p>\n</section>\n");

        for (var m = 0; m < report.Models.Length; m++)
        {
            var model = report.Models[m];
            h.Append("<section class=\"model-detail\" id=\"model-").Append(m).Append("\">\n<h2><span class=\"pill ").Append(Css_(model.Status)).Append("\">").Append(Word(model.Status)).Append("</span> ").Append(E(model.Model.ToString())).Append("</h2>\n");
            h.Append("<p class=\"small\">").Append(Count(model.Computers, "computer")).Append(" · ").Append(Count(model.Devices, "device")).Append(": ").Append(model.Covered).Append(" covered, ").Append(model.Inbox).Append(" inbox, ").Append(model.Missing).Append(" missing")
                .Append(model.DriverSet.Status == DriverSetStatus.NoDrivers ? " · no drivers by profile '" + E(model.DriverSet.StoppedBy ?? string.Empty) + "'" : string.Empty).Append(" · profiles: ").Append(model.Profiles.Length == 0 ? "none" : E(string.Join(", ", model.Profiles))).Append("</p>\n");
            if (model.Problems.Length > 0)
            {
                h.Append("<table class=\"list\"><thead><tr><th></th><th>Problem</th><th>Class</th><th>Hardware id</th><th>Detail</th></tr></thead><tbody>\n");
                foreach (var p in model.Problems)
                {
                    h.Append("<tr><td class=\"cell ").Append(Css_(p.Severity)).Append("\">").Append(Word(p.Severity)).Append("</td><td>").Append(E(p.Kind.ToString())).Append("</td><td>").Append(E(p.Class ?? string.Empty)).Append("</td><td class=\"id\">").Append(E(p.HardwareId ?? string.Empty)).Append("</td><td>").Append(E(p.Message)).Append("</td></tr>\n");
                }

                h.Append("</tbody></table>\n");
            }

            if (model.DriverSet.Packages.Length > 0)
            {
                h.Append("<details><summary>").Append(Count(model.DriverSet.Packages.Length, "package")).Append(" to inject</summary><table class=\"list\"><thead><tr><th>INF</th><th>Id</th><th>Class</th><th>Version</th><th>Source</th><th>Boot</th></tr></thead><tbody>\n");
                foreach (var p in model.DriverSet.Packages)
                {
                    h.Append("<tr><td>").Append(E(p.Name)).Append("</td><td class=\"id\">").Append(E(p.PackageId)).Append("</td><td>").Append(E(p.Class ?? string.Empty)).Append("</td><td>").Append(E(p.Version ?? string.Empty)).Append("</td><td>").Append(E(p.Source)).Append("</td><td>").Append(p.IsBootStorageController ? "storage" : p.IsBootCritical ? "yes" : string.Empty).Append("</td></tr>\n");
                }

                h.Append("</tbody></table></details>\n");
            }

            h.Append("</section>\n");
        }

        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static void Tag(StringBuilder h, int count, string what)
    {
        if (count > 0)
        {
            h.Append("<span class=\"tag\">").Append(count).Append(' ').Append(what).Append("</span>");
        }
    }

    private const string Css = @"body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:0 24px 24px;color:#1b1b1b;background:#fff}
h1{margin:0 0 4px;font-size:24px}h2{font-size:18px;margin:24px 0 8px}
.banner{padding:14px 18px;margin:0 -24px 16px;border-bottom:4px solid}
.banner.pass{background:#d7f0d9;border-color:#2e7d32}.banner.warning{background:#fff1c2;border-color:#e0a100}.banner.fail{background:#fbd3d3;border-color:#c62828}
.small{font-size:12px;color:#444;margin:2px 0}
table{border-collapse:collapse}th,td{border:1px solid #c9c9c9;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}
thead th{background:#eceff1}th.model{white-space:nowrap;font-weight:600;background:#fafafa}th.cls{writing-mode:horizontal-tb}
.matrix td.cell{text-align:center;min-width:64px;font-weight:600}
.cell.pass{background:#4caf50;color:#fff}.cell.inbox{background:#90caf9;color:#0d2a4a}.cell.warning{background:#ffc107;color:#3d2c00}.cell.fail{background:#e53935;color:#fff}.cell.none{background:#eeeeee;color:#9e9e9e;font-weight:400}
.legend .cell{display:inline-block;padding:2px 8px;margin-right:4px;font-size:12px}
.tag{display:block;font-size:11px;font-weight:400}
.num{text-align:right}.id{font-family:Consolas,monospace;font-size:12px}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;color:#fff}.pill.pass{background:#4caf50}.pill.warning{background:#e0a100}.pill.fail{background:#e53935}
table.list{margin:6px 0 10px;width:100%}details{margin:4px 0}
";

    private static string Css_(CoverageStatus status) => status switch
    {
        CoverageStatus.Fail => "fail",
        CoverageStatus.Warning => "warning",
        _ => "pass",
    };

    private static string Word(CoverageStatus status) => status switch
    {
        CoverageStatus.Fail => "FAIL",
        CoverageStatus.Warning => "WARN",
        _ => "PASS",
    };

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? string.Empty : "s");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
