/// Rows of a table in which every metric column has a number (most training logs), kept column
/// by column with one x column, and one wall-time column, for all the metrics.
///
/// Appending each cell to its own series as a point, x and all, cost more than parsing the
/// number; here a row costs one x and one value per metric, and `flush` hands each series its
/// block at once. The series of one block then share its x array.
struct DenseRows {
    /// The metric columns (indices into a row's cells), in column order.
    let columns: [Int]
    private(set) var xs: [Int] = []
    private(set) var wallTimes: [Double] = []
    private(set) var values: [[Double]]

    init(columns: [Int]) {
        self.columns = columns
        values = columns.map { _ in [] }
    }

    var isEmpty: Bool { xs.isEmpty }

    /// Appends a row: its x, its wall time (give one for every row or for none) and its cells.
    mutating func append(x: Int, wallTime: Double?, cells: [Double]) {
        xs.append(x)
        if let w = wallTime { wallTimes.append(w) }
        cells.withUnsafeBufferPointer { c in
            for k in columns.indices { values[k].append(c[columns[k]]) }
        }
    }

    /// Appends the rows to `collector` in column order, column k to the series in `slots[k]`,
    /// and starts empty. Wall times go with the points only when every row had one.
    mutating func flush(into collector: inout SeriesCollector, slots: [Int]) {
        guard !xs.isEmpty else { return }
        let times: [Double]? = wallTimes.count == xs.count ? wallTimes : nil
        for k in columns.indices {
            collector.append(slots[k], xs: xs, values: values[k], wallTimes: times)
            values[k] = []
        }
        xs = []
        wallTimes = []
    }
}
