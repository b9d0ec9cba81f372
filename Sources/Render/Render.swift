import CCairo

/// The version of cairo the renderer is linked against, e.g. "1.16.0".
public var cairoVersion: String { String(cString: cairo_version_string()) }
