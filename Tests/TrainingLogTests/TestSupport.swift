import Foundation
@testable import TrainingLog

/// Test helpers: fixture paths and temporary files.
enum TestSupport {
    /// `Tests/Fixtures/readers/<name>`, found from this file's path.
    static func fixture(_ name: String, filePath: String = #filePath) -> String {
        let testsDir = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        return testsDir.appendingPathComponent("Fixtures/readers/\(name)").path
    }

    /// A fresh temporary folder.
    static func tempDir(_ tag: String = "t") -> String {
        let dir = NSTemporaryDirectory() + "varreport-tests-\(tag)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes bytes to `dir/name` (creating folders) and returns the path.
    @discardableResult
    static func write(_ bytes: [UInt8], _ dir: String, _ name: String) -> String {
        let path = dir + "/" + name
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @discardableResult
    static func write(_ text: String, _ dir: String, _ name: String) -> String {
        write(Array(text.utf8), dir, name)
    }
}

extension Run {
    func xs(_ name: MetricName, _ g: Granularity) -> [Int] { series(name, g)?.xs ?? [] }
    func values(_ name: MetricName, _ g: Granularity) -> [Double] { series(name, g)?.values ?? [] }
}

func approx(_ a: [Double], _ b: [Double], tol: Double = 1e-9) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol || ($0.isNaN && $1.isNaN) }
}
