import Report
import Foundation

/// `DIR/sweep.json` in CONTRACT.md's schema `varreport.sweep/1` (every listed field, `null`
/// where absent), plus extra fields: the run's verdict, parameters, hyperparameters, best
/// values and crossings, the comparison's choices and every scaling fit.
public enum SweepJSON {
    public static func encode(_ c: SweepComparison) throws -> Data {
        try SweepJSONCoding.encode(Document(c))
    }

    struct Document: Encodable {
        let c: SweepComparison
        init(_ c: SweepComparison) { self.c = c }

        enum Keys: String, CodingKey {
            case schema, runs, threshold, best_run, primary_metric, varying_hyperparameters, color_by
            case scaling_law, scaling_fits, scaling_note, seed_groups, grid
        }

        func encode(to encoder: Encoder) throws {
            var k = encoder.container(keyedBy: Keys.self)
            try k.encode("varreport.sweep/1", forKey: .schema)
            try k.encode(c.entries.map(RunJSON.init), forKey: .runs)
            try k.encode(c.threshold, forKey: .threshold)
            try k.encode(c.best.map { c.entries[$0].record.name }, forKey: .best_run)
            try k.encode(c.primaryMetric, forKey: .primary_metric)
            try k.encode(c.varyingKeys, forKey: .varying_hyperparameters)
            try k.encode(c.colorKey, forKey: .color_by)
            try k.encode(c.scaling.map { f in
                ScalingJSON(fit: f, excluded: c.excluded + f.excluded.map { ($0.name, $0.reason) })
            }, forKey: .scaling_law)
            try k.encode(c.fits, forKey: .scaling_fits)
            try k.encode(c.scalingNote, forKey: .scaling_note)
            try k.encode(c.seedGroups.map { g in
                SeedGroupJSON(label: g.label, runs: g.members.map { c.entries[$0].record.name })
            }, forKey: .seed_groups)
            try k.encode(c.grid.map(GridJSON.init), forKey: .grid)
        }
    }

    struct RunJSON: Encodable {
        let e: SweepComparison.Entry
        init(_ e: SweepComparison.Entry) { self.e = e }
        enum Keys: String, CodingKey {
            case name, path, status, report_dir, error, final, run_name, verdict, epochs_completed, epochs_planned
            case parameters, parameters_source, hyperparameters, best, first_below_epoch, stays_below_epoch
        }
        func encode(to encoder: Encoder) throws {
            let r = e.record
            var k = encoder.container(keyedBy: Keys.self)
            try k.encode(r.name, forKey: .name)
            try k.encode(r.path, forKey: .path)
            try k.encode(r.status, forKey: .status)
            try k.encode(e.reportDir, forKey: .report_dir)
            try k.encode(r.error, forKey: .error)
            try k.encode(r.final, forKey: .final)
            try k.encode(r.runName, forKey: .run_name)
            try k.encode(r.verdict, forKey: .verdict)
            try k.encode(r.epochsCompleted, forKey: .epochs_completed)
            try k.encode(r.epochsPlanned, forKey: .epochs_planned)
            try k.encode(e.parameters, forKey: .parameters)
            try k.encode(e.parametersSource, forKey: .parameters_source)
            try k.encode(r.hyperparameters, forKey: .hyperparameters)
            try k.encode(r.best, forKey: .best)
            try k.encode(r.firstBelowEpoch, forKey: .first_below_epoch)
            try k.encode(r.staysBelowEpoch, forKey: .stays_below_epoch)
        }
    }

    struct ExcludedJSON: Encodable { let name: String; let reason: String }

    struct ScalingJSON: Encodable {
        let fit: ScalingFit
        let excluded: [(name: String, reason: String)]
        enum Keys: String, CodingKey { case metric, x, alpha, beta, r2, r, n_points, excluded, points }
        func encode(to encoder: Encoder) throws {
            var k = encoder.container(keyedBy: Keys.self)
            try k.encode(fit.metric, forKey: .metric)
            try k.encode("params", forKey: .x)
            try k.encode(fit.alpha, forKey: .alpha)
            try k.encode(fit.beta, forKey: .beta)
            try k.encode(fit.r2, forKey: .r2)
            try k.encode(fit.r, forKey: .r)
            try k.encode(fit.nPoints, forKey: .n_points)
            try k.encode(excluded.map { ExcludedJSON(name: $0.name, reason: $0.reason) }, forKey: .excluded)
            try k.encode(fit.points, forKey: .points)
        }
    }

    struct SeedGroupJSON: Encodable { let label: String; let runs: [String] }

    struct GridJSON: Encodable {
        let g: SweepComparison.Grid
        init(_ g: SweepComparison.Grid) { self.g = g }
        enum Keys: String, CodingKey { case column_key, row_key, columns, rows, values }
        func encode(to encoder: Encoder) throws {
            var k = encoder.container(keyedBy: Keys.self)
            try k.encode(g.columnKey, forKey: .column_key)
            try k.encode(g.rowKey, forKey: .row_key)
            try k.encode(g.columns, forKey: .columns)
            try k.encode(g.rows, forKey: .rows)
            try k.encode(g.values.map { $0.map { $0.isFinite ? $0 : nil } }, forKey: .values)
        }
    }
}
