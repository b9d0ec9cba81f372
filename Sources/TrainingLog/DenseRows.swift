/// Rows of a table in which every metric column has a number (most training logs), kept column
/// by column with one x column, and one wall-time column, for all the metrics.
///
/// Appending each cell to its own series as a point, x and all, cost more than parsing the
/// number; here a row costs one x and one store per metric into a small batch, and each column
/// takes a full batch with one copy. `flush` hands each series its block at once, and the series
/// of one block share its x array.
struct DenseRows {
    /// The metric columns (indices into a row's cells), in column order.
    let columns: [Int]
    private(set) var xs: [Int] = []
    private(set) var wallTimes: [Double] = []
    /// Per metric column, its values up to the last full batch.
    private var values: [[Double]]
    /// The current batch, column after column (`batchRows` values each), and its row count.
    private var batch: [Double]
    private var batched = 0
    static let batchRows = 256

    init(columns: [Int]) {
        self.columns = columns
        values = columns.map { _ in [] }
        batch = Array(repeating: 0, count: columns.count * Self.batchRows)
    }

    var isEmpty: Bool { xs.isEmpty }
    var count: Int { xs.count }

    /// Room for `rows` rows in all, so that the columns of a large piece grow once, not by doubling.
    mutating func reserve(rows: Int, withWallTimes: Bool) {
        xs.reserveCapacity(rows)
        if withWallTimes { wallTimes.reserveCapacity(rows) }
        for k in values.indices { values[k].reserveCapacity(rows) }
    }

    /// Appends a row: its x, its wall time (give one for every row or for none) and its cells.
    mutating func append(x: Int, wallTime: Double?, cells: [Double]) {
        xs.append(x)
        if let w = wallTime { wallTimes.append(w) }
        let r = batched
        cells.withUnsafeBufferPointer { c in
            columns.withUnsafeBufferPointer { cols in
                batch.withUnsafeMutableBufferPointer { b in
                    for k in cols.indices { b[k &* Self.batchRows &+ r] = c[cols[k]] }
                }
            }
        }
        batched += 1
        if batched == Self.batchRows { emptyBatch() }
    }

    /// Moves the batch's values to the end of their columns.
    private mutating func emptyBatch() {
        guard batched > 0 else { return }
        let n = batched
        batch.withUnsafeBufferPointer { b in
            for k in columns.indices {
                values[k].append(contentsOf: UnsafeBufferPointer(rebasing: b[(k * Self.batchRows)..<(k * Self.batchRows + n)]))
            }
        }
        batched = 0
    }

    /// Appends the rows to `collector` in column order, column k to the series in `slots[k]`,
    /// and starts empty. Wall times go with the points only when every row had one.
    mutating func flush(into collector: inout SeriesCollector, slots: [Int]) {
        guard !xs.isEmpty else { return }
        emptyBatch()
        let times: [Double]? = wallTimes.count == xs.count ? wallTimes : nil
        for k in columns.indices {
            collector.append(slots[k], xs: xs, values: values[k], wallTimes: times)
            values[k] = []
        }
        xs = []
        wallTimes = []
    }
}
