import Testing
@testable import Render
@Test func scratch() {
    print("LOG", Ticks.log10(0.035...56, count: 3))
    print("LOG", TickFormat.labels(Ticks.log10(0.035...56, count: 3).major, step: 0))
    for (a,b,m) in [(0.0,100.0,5),(0.0,100.0,6),(5.3,8.4,6),(0.00013,0.00031,5),(-3.7, 12.2, 6),(0.0,1.0,5), (1.0, 1.0e6, 5), (0.1, 0.9, 5)] {
        let t = Ticks.extended(a, b, m: m)
        print("EXT", a, b, m, t.major, t.step, TickFormat.labels(t.major, step: t.step))
    }
}
