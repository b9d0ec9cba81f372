import Testing
import TextFormat

@Suite struct CSVTextTests {
    @Test func cellsAreQuotedOnlyWhenTheyMustBe() {
        #expect(CSVText.field("train/loss_tail") == "train/loss_tail")
        #expect(CSVText.field("a,b") == "\"a,b\"")
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        // A CRLF is one Character in Swift; it must still be quoted.
        #expect(CSVText.field("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVText.field("a\rb") == "\"a\rb\"")
    }
}
