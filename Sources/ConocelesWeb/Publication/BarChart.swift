import Foundation

/// A horizontal bar chart drawn on the server as inline SVG (no JavaScript): one bar per
/// series and row, bar lengths proportional to the largest value, every label as `<text>`,
/// and `<title>`/`<desc>` named by `aria-labelledby` so a screen reader announces the chart.
/// The statistics page follows each chart with the table behind it.
///
/// The geometry is computed here (`drawing`); the markup is the `publico/grafica` template,
/// so every text goes through Mustache's escaping like the rest of the site.
struct BarChart {
    /// One set of bars (one colour), named in the legend when there are several.
    struct Series {
        let name: String
        /// A fill with at least 3:1 contrast against white (WCAG 1.4.11).
        let colour: String
    }

    /// One label and its value in each series.
    struct Row {
        let label: String
        let values: [Int]
    }

    /// Rows under an optional heading ("Gubernatura" over its identity groups).
    struct Section {
        let heading: String?
        let rows: [Row]
    }

    /// Colours of the series, in order: the site's purple and a dark green (both above 7:1 on white).
    static let palette = ["#5a1f6e", "#0b6e4f", "#8a4b00"]

    /// Element id prefix (unique on the page): `<title id="ID-titulo">`, `<desc id="ID-descripcion">`.
    let id: String
    let title: String
    let description: String
    let series: [Series]
    let sections: [Section]

    // Layout, in SVG user units (the chart scales to the width of the page).
    static let width = 720.0
    /// Room for the longest group label ("Persona de la diversidad sexual (LGBTTTIQ+)").
    static let labelWidth = 360.0
    static let barArea = 300.0
    static let barHeight = 14.0
    static let gap = 8.0
    static let lineHeight = 22.0

    /// The chart with one series.
    init(id: String, title: String, description: String, seriesName: String, rows: [Row]) {
        self.init(
            id: id, title: title, description: description,
            series: [Series(name: seriesName, colour: Self.palette[0])], sections: [Section(heading: nil, rows: rows)])
    }

    init(id: String, title: String, description: String, series: [Series], sections: [Section]) {
        self.id = id
        self.title = title
        self.description = description
        self.series = series
        self.sections = sections
    }

    /// The largest value drawn (at least 1, so an all-zero chart draws no bars).
    var maximum: Int {
        max(1, sections.flatMap(\.rows).flatMap(\.values).max() ?? 0)
    }

    /// The length of the bar of `value`: proportional, the largest one `barArea` long.
    func length(of value: Int) -> Double {
        Self.barArea * Double(max(0, value)) / Double(maximum)
    }

    /// The chart's SVG markup (`<svg role="img" …>…</svg>`), every text escaped.
    var svg: String { Templates.render("publico/grafica", drawing) }

    /// The positioned shapes and texts the template draws.
    var drawing: Drawing {
        var y = 0.0
        var legend: [Drawing.LegendItem] = []
        if series.count > 1 {
            var x = 0.0
            for item in series {
                legend.append(
                    .init(
                        x: Self.number(x), y: Self.number(y + 2), textX: Self.number(x + 18), textY: Self.number(y + 13),
                        colour: item.colour, name: item.name))
                x += 18 + Double(item.name.count) * 7.5 + 24
            }
            y += Self.lineHeight + 4
        }
        var headings: [Drawing.Text] = [], labels: [Drawing.Text] = [], bars: [Drawing.Bar] = []
        for section in sections {
            if let heading = section.heading {
                headings.append(.init(x: "0", y: Self.number(y + 15), text: heading))
                y += Self.lineHeight
            }
            for row in section.rows {
                let rowHeight = Double(series.count) * (Self.barHeight + 2) + Self.gap
                labels.append(.init(x: Self.number(Self.labelWidth - 8), y: Self.number(y + rowHeight / 2 + 1), text: row.label))
                for (index, value) in row.values.enumerated() where index < series.count {
                    let top = y + Self.gap / 2 + Double(index) * (Self.barHeight + 2)
                    let barLength = length(of: value)
                    bars.append(
                        .init(
                            x: Self.number(Self.labelWidth), y: Self.number(top), width: Self.number(barLength),
                            height: Self.number(Self.barHeight), colour: series[index].colour, length: barLength,
                            valueX: Self.number(Self.labelWidth + barLength + 6), valueY: Self.number(top + Self.barHeight - 2),
                            value: "\(value)", tooltip: "\(row.label), \(series[index].name): \(value)"))
                }
                y += rowHeight
            }
        }
        return Drawing(
            titleID: "\(id)-titulo", descriptionID: "\(id)-descripcion", title: title, description: description,
            width: Self.number(Self.width), height: Self.number(max(y, Self.lineHeight)), legend: legend,
            headings: headings, labels: labels, bars: bars)
    }

    /// `value` with at most one decimal ("12", "12.5"), for attributes.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// What `publico/grafica` reads.
    struct Drawing {
        struct LegendItem {
            let x: String, y: String, textX: String, textY: String
            let colour: String
            let name: String
        }

        struct Text {
            let x: String, y: String
            let text: String
        }

        struct Bar {
            let x: String, y: String, width: String, height: String
            let colour: String
            /// The width as a number (tests compare proportions).
            let length: Double
            let valueX: String, valueY: String
            let value: String
            let tooltip: String
        }

        let titleID: String
        let descriptionID: String
        let title: String
        let description: String
        let width: String
        let height: String
        let legend: [LegendItem]
        let headings: [Text]
        let labels: [Text]
        let bars: [Bar]
    }
}
