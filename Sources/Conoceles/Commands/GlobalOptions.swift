import ArgumentParser

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "Archivo de configuración / configuration file.")
    var configFile: String = "config/conoceles.yaml"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (por omisión log.level, info).")
    var logLevel: String?
}
