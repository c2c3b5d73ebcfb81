import CMailShim

/// One libcurl easy handle and the SMTP connection it keeps alive between transfers.
/// Not thread-safe: ``SMTPMailer`` uses it from its own queue, under a lock.
final class CurlSession {
    /// The result of one transfer.
    struct Outcome {
        var result: Result<Void, SMTPError>
        var cancelled: Bool
        var newConnections: Int
    }

    private let settings: SMTPSettings
    private var handle: UnsafeMutableRawPointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init(settings: SMTPSettings) {
        self.settings = settings
        errorBuffer = .allocate(capacity: Int(CMAIL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CMAIL_ERROR_SIZE))
    }

    deinit {
        close()
        errorBuffer.deallocate()
    }

    /// Closes the connection (sending `QUIT`); the next transfer opens a new one.
    func close() {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
    }

    /// Sends `payload` to `recipients`, reusing the open connection when curl can.
    func send(payload: [UInt8], recipients: [String], cancellation: CancellationFlag) -> Outcome {
        let handle: UnsafeMutableRawPointer
        switch openHandle() {
        case .success(let opened): handle = opened
        case .failure(let error): return Outcome(result: .failure(error), cancelled: false, newConnections: 0)
        }
        var recipientList: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients {
            guard let appended = curl_slist_append(recipientList, recipient) else {
                curl_slist_free_all(recipientList)
                return Outcome(result: .failure(SMTPError(code: .unexpected, detail: "out of memory")), cancelled: false, newConnections: 0)
            }
            recipientList = appended
        }
        defer {
            _ = cmail_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
            curl_slist_free_all(recipientList)
        }

        let context = TransferContext(payload: payload, cancellation: cancellation)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        _ = cmail_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipientList)
        _ = cmail_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(payload.count))
        _ = cmail_setopt_pointer(handle, CURLOPT_READDATA, contextPointer)
        _ = cmail_setopt_pointer(handle, CURLOPT_XFERINFODATA, contextPointer)
        errorBuffer[0] = 0
        let code = withExtendedLifetime(context) { curl_easy_perform(handle) }
        _ = cmail_setopt_pointer(handle, CURLOPT_READDATA, nil)
        _ = cmail_setopt_pointer(handle, CURLOPT_XFERINFODATA, nil)

        var connects = 0
        _ = cmail_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        guard code != CURLE_OK else { return Outcome(result: .success(()), cancelled: false, newConnections: connects) }
        if code == CURLE_ABORTED_BY_CALLBACK && cancellation.isCancelled {
            return Outcome(result: .success(()), cancelled: true, newConnections: connects)
        }
        var replyCode = 0
        _ = cmail_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &replyCode)
        let error = SMTPError(curlCode: code, replyCode: replyCode, detail: detail(for: code))
        return Outcome(result: .failure(error), cancelled: false, newConnections: connects)
    }

    /// curl's detailed message (or its generic one), without the password.
    private func detail(for code: CURLcode) -> String {
        var text = String(cString: errorBuffer)
        if text.isEmpty { text = String(cString: curl_easy_strerror(code)) }
        if let password = settings.credentials?.password, !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "***")
        }
        return text
    }

    private func openHandle() -> Result<UnsafeMutableRawPointer, SMTPError> {
        if let handle { return .success(handle) }
        let initResult = cmail_global_init_once()
        guard initResult == CURLE_OK else {
            return .failure(SMTPError(curlCode: initResult, replyCode: 0, detail: "curl_global_init failed"))
        }
        guard let handle = curl_easy_init() else {
            return .failure(SMTPError(code: .unexpected, detail: "curl_easy_init failed"))
        }
        let code = configure(handle)
        guard code == CURLE_OK else {
            let error = SMTPError(curlCode: code, replyCode: 0, detail: detail(for: code))
            curl_easy_cleanup(handle)
            return .failure(error)
        }
        self.handle = handle
        return .success(handle)
    }

    /// Options that stay the same for every transfer of this session.
    private func configure(_ handle: UnsafeMutableRawPointer) -> CURLcode {
        let security =
            switch settings.security {
            case .none: CURLUSESSL_NONE
            case .startTLS, .tls: CURLUSESSL_ALL
            }
        var results = [
            cmail_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            cmail_setopt_string(handle, CURLOPT_URL, settings.url),
            cmail_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"),
            cmail_setopt_long(handle, CURLOPT_USE_SSL, Int(security.rawValue)),
            cmail_setopt_string(handle, CURLOPT_MAIL_FROM, settings.from.address),
            cmail_setopt_long(handle, CURLOPT_UPLOAD, 1),
            cmail_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            cmail_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeout.milliseconds),
            cmail_setopt_long(handle, CURLOPT_TIMEOUT_MS, settings.totalTimeout.milliseconds),
            cmail_setopt_long(handle, CURLOPT_MAXAGE_CONN, max(1, settings.maximumIdleTime.milliseconds / 1000)),
            cmail_setopt_long(handle, CURLOPT_NOPROGRESS, 0),
            cmail_setopt_read_function(handle) { buffer, size, count, userdata in
                guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
                let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
                return context.read(into: buffer, capacity: size * count)
            },
            cmail_setopt_xferinfo_function(handle) { userdata, _, _, _, _ in
                guard let userdata else { return 0 }
                let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
                return context.cancellation.isCancelled ? 1 : 0
            },
        ]
        if let credentials = settings.credentials {
            results.append(cmail_setopt_string(handle, CURLOPT_USERNAME, credentials.username))
            results.append(cmail_setopt_string(handle, CURLOPT_PASSWORD, credentials.password))
        }
        if let caCertificatePath = settings.caCertificatePath {
            results.append(cmail_setopt_string(handle, CURLOPT_CAINFO, caCertificatePath))
        }
        return results.first { $0 != CURLE_OK } ?? CURLE_OK
    }
}

private extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
