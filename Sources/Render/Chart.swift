/// Where a chart puts its legend.
public enum LegendPlacement: Sendable, Hashable {
    /// The inside corner that covers the least data (checked in the order top right, top left,
    /// bottom left, bottom right), or the middle of the top or bottom edge when that covers less.
    case auto
    case topLeft, topRight, bottomLeft, bottomRight
    /// No legend.
    case none
}

/// One panel: a title, two axes and a list of marks drawn in order (later marks on top).
public struct Chart: Sendable {
    public var title: String?
    /// Smaller second line under the title.
    public var subtitle: String?
    public var x: Axis
    public var y: Axis
    public var marks: [any Mark]
    public var legend: LegendPlacement
    /// Light grid lines at the major ticks.
    public var showsGrid: Bool

    public init(title: String? = nil, subtitle: String? = nil, x: Axis = Axis(), y: Axis = Axis(),
                legend: LegendPlacement = .auto, showsGrid: Bool = true, marks: [any Mark]) {
        self.title = title; self.subtitle = subtitle; self.x = x; self.y = y; self.marks = marks
        self.legend = legend; self.showsGrid = showsGrid
    }
}

extension Chart {
    /// The first heatmap: it makes the y axis categorical and gets the colour bar.
    public var heatmap: HeatmapMark? {
        for mark in marks { if case .heatmap(let m) = mark.kind { return m } }
        return nil
    }
}
