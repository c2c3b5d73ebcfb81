import Testing
@testable import Mail

@Suite("SMTPSettings")
struct SMTPSettingsTests {
    private func settings(
        host: String = "smtp.example.mx", port: Int = 587, security: SMTPSettings.Security = .startTLS,
        password: String? = nil
    ) -> SMTPSettings {
        SMTPSettings(
            host: host, port: port, security: security,
            credentials: password.map { .init(username: "conoceles", password: $0) },
            from: MessageFactory.sender)
    }

    @Test("invalid settings name their key")
    func validation() {
        for (candidate, key) in [
            (settings(host: ""), "smtp.host"), (settings(host: "a/b"), "smtp.host"), (settings(port: 0), "smtp.port"),
            (settings(security: .none, password: "x"), "smtp.security"),
        ] {
            #expect {
                try candidate.validate()
            } throws: { error in
                let error = error as! SMTPError
                return error.code == .invalidConfiguration && error.detail.hasPrefix(key + ":") && !error.isRetryable
            }
        }
        #expect(throws: Never.self) { try settings(host: "127.0.0.1", security: .none, password: "x").validate() }
        #expect(throws: Never.self) { try settings(password: "x").validate() }
    }

    @Test("the URL carries scheme, port, bracketed IPv6 and the EHLO name")
    func url() {
        #expect(settings().url == "smtp://smtp.example.mx:587/")
        var tls = settings(host: "::1", port: 465, security: .tls)
        tls.clientName = "conoceles.iepcjalisco.org.mx"
        #expect(tls.url == "smtps://[::1]:465/conoceles.iepcjalisco.org.mx")
    }

    @Test("the password never shows in descriptions or mirrors")
    func passwordHidden() {
        let secret = "s3cr3t-contraseña"
        let candidate = settings(password: secret)
        #expect(!String(describing: candidate).contains(secret))
        #expect(!String(reflecting: candidate).contains(secret))
        #expect(!"\(candidate.credentials!)".contains(secret))
    }
}
