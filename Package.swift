// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "varreport",
    products: [
        .executable(name: "varreport", targets: ["varreport"]),
        .library(name: "TrainingLog", targets: ["TrainingLog"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Render", targets: ["Render"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Sweep", targets: ["Sweep"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // cairo + pangocairo from the system (apt: libcairo2-dev, libpango1.0-dev).
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]
        ),
        .target(name: "Parallel"),
        .target(name: "TrainingLog", dependencies: ["Parallel"]),
        .target(name: "TextFormat"),
        .target(name: "Analysis", dependencies: ["TrainingLog", "TextFormat", "Parallel"]),
        // PNG encoding with libpng (a dependency of libcairo2-dev), in C for libpng's setjmp.
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "Render", dependencies: ["CCairo", "CPNG", "TextFormat", "Parallel"]),
        .target(
            name: "Report",
            dependencies: [
                "TrainingLog", "Analysis", "Render", "TextFormat",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The sweep: discovery, content hashing, the plan, sharding, the runner on Parallel's pool,
        // and the comparison report.
        .target(
            name: "Sweep",
            dependencies: [
                "TrainingLog", "Analysis", "Render", "Report", "TextFormat", "Parallel", "Pipeline",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // Following a run while it trains: new bytes only, events as they first show, a report
        // kept current (varreport watch).
        .target(
            name: "Watch",
            dependencies: ["TrainingLog", "Analysis", "Report", "Pipeline"]
        ),
        // Settings resolved once (command line > config file > default) and the one
        // load -> analyse -> write pipeline every command uses.
        .target(
            name: "Pipeline",
            dependencies: [
                "TrainingLog", "Analysis", "Render", "Report",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "varreport",
            dependencies: [
                "TrainingLog", "Analysis", "Report", "Render", "TextFormat", "Parallel", "Pipeline", "Sweep", "Watch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TrainingLogTests", dependencies: ["TrainingLog"]),
        .testTarget(name: "TextFormatTests", dependencies: ["TextFormat"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "TrainingLog"]),
        .testTarget(name: "RenderTests", dependencies: ["Render"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Sweep", "Pipeline", "Analysis", "TrainingLog"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Report", "Analysis", "Render", "TrainingLog"]),
        .testTarget(name: "WatchTests", dependencies: ["Watch", "Pipeline", "Analysis", "TrainingLog"]),
        .testTarget(name: "varreportTests", dependencies: ["varreport"]),
    ]
)
