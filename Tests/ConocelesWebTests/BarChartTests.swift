@testable import ConocelesWeb
import Testing

@Suite("BarChart")
struct BarChartTests {
    static let chart = BarChart(
        id: "prueba", title: "Perfiles <publicados>", description: "A & B: \"uno\"", seriesName: "Perfiles",
        rows: [
            BarChart.Row(label: "Partido <script>alert(1)</script>", values: [10]),
            BarChart.Row(label: "Otro", values: [5]),
            BarChart.Row(label: "Nadie", values: [0]),
        ])

    @Test func barLengthsAreProportionalToTheValues() {
        let bars = Self.chart.drawing.bars
        #expect(bars.count == 3)
        #expect(bars[0].length == BarChart.barArea)
        #expect(bars[1].length == BarChart.barArea / 2)
        #expect(bars[2].length == 0)
        #expect(bars[0].width == BarChart.number(BarChart.barArea))
        // Two series: each value against the largest of all.
        let grouped = BarChart(
            id: "g", title: "t", description: "d",
            series: [.init(name: "Publicados", colour: BarChart.palette[0]), .init(name: "Aprobados", colour: BarChart.palette[1])],
            sections: [.init(heading: nil, rows: [.init(label: "PAN", values: [3, 12]), .init(label: "PRI", values: [6, 6])])])
        #expect(grouped.drawing.bars.map(\.length) == [BarChart.barArea / 4, BarChart.barArea, BarChart.barArea / 2, BarChart.barArea / 2])
        #expect(grouped.drawing.legend.map(\.name) == ["Publicados", "Aprobados"])
        // All zero: no bar has a length (no division by zero).
        let empty = BarChart(id: "e", title: "t", description: "d", seriesName: "s", rows: [.init(label: "x", values: [0])])
        #expect(empty.drawing.bars.map(\.length) == [0])
    }

    @Test func theSVGNamesItsTitleAndDescriptionAndEscapesEveryText() {
        let svg = Self.chart.svg
        #expect(svg.hasPrefix(#"<svg class="grafica" role="img" aria-labelledby="prueba-titulo prueba-descripcion""#))
        #expect(svg.contains(#"<title id="prueba-titulo">Perfiles &lt;publicados&gt;</title>"#))
        #expect(svg.contains(#"<desc id="prueba-descripcion">A &amp; B: &quot;uno&quot;</desc>"#))
        #expect(svg.contains("Partido &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!svg.contains("<script>"))
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 3)
        #expect(svg.contains("width=\"\(BarChart.number(BarChart.barArea))\""))
        #expect(svg.contains("width=\"\(BarChart.number(BarChart.barArea / 2))\""))
        #expect(svg.contains(#">10</text>"#))
    }

    @Test func numbersHaveAtMostOneDecimal() {
        #expect(BarChart.number(12) == "12")
        #expect(BarChart.number(12.25) == "12.3")
        #expect(BarChart.number(0.04) == "0")
    }
}
