import Testing
@testable import TrainingLog

@Suite struct PythonLiteralTests {
    func parse(_ s: String) -> PyValue? { try? PythonLiteral.parse(Array(s.utf8)).get() }

    @Test func varDictLine() {
        let v = parse("{'it': '1669/1669', 'ep': '13/200', 'lr': 7.6e-05, 'vL_mean': None, 'ok': True, 'bad': False, 'L': nan, 'x': -inf, 'y': inf, 'n': -12, 's': 'it\\'s \\\"q\\\" \\n \\x41 \\u00e9'}")
        #expect(v?["it"] == .string("1669/1669"))
        #expect(v?["lr"] == .double(7.6e-05))
        #expect(v?["vL_mean"] == PyValue.none)
        #expect(v?["ok"] == .bool(true) && v?["bad"] == .bool(false))
        #expect(v?["L"]?.number?.isNaN == true)
        #expect(v?["x"] == .double(-.infinity) && v?["y"] == .double(.infinity))
        #expect(v?["n"] == .int(-12))
        #expect(v?["s"] == .string("it's \"q\" \n A é"))
    }

    @Test func jsonAndOddValues() {
        let v = parse("{\"is_master\": true, \"name\": \"a\\/b\", \"z\": null, \"t\": (1, 2.5), \"g\": tensor(0.52, device='cuda:0'), \"big\": 123456789012345678901234567890, \"e\": 1E+3}")
        #expect(v?["is_master"] == .bool(true))
        #expect(v?["name"] == .string("a/b"))
        #expect(v?["z"] == PyValue.none)
        #expect(v?["t"] == .list([.int(1), .double(2.5)]))
        #expect(v?["g"] == .double(0.52))
        #expect(v?["big"]?.number == 1.2345678901234568e29)
        #expect(v?["e"] == .double(1000))
    }

    @Test func errorsCarryOffsets() {
        guard case .failure(let e) = PythonLiteral.parse(Array("{'a': 1, 'b': ".utf8)) else { Issue.record("parsed"); return }
        #expect(e.offset == 14)
        guard case .failure(let e2) = PythonLiteral.parse(Array("{'a': 'unterminated}".utf8)) else { Issue.record("parsed"); return }
        #expect(e2.message.contains("unterminated"))
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        guard case .failure(let e3) = PythonLiteral.parse(Array(deep.utf8)) else { Issue.record("parsed"); return }
        #expect(e3.message.contains("deeply"))
    }
}
