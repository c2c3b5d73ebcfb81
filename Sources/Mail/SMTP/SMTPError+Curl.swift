import CMailShim

extension SMTPError {
    /// Classifies a failed transfer. The SMTP reply code decides first (curl reports a
    /// rejected `RCPT` as a send error, for instance); then curl's result code.
    init(curlCode: CURLcode, replyCode: Int, detail: String) {
        let reply = replyCode > 0 ? replyCode : nil
        let code: Code =
            switch (curlCode, replyCode) {
            case (_, 400..<500): .transientRejection
            case (CURLE_LOGIN_DENIED, _): .authenticationFailed
            case (_, 500..<600): .permanentRejection
            case (CURLE_COULDNT_RESOLVE_HOST, _), (CURLE_COULDNT_RESOLVE_PROXY, _), (CURLE_COULDNT_CONNECT, _),
                (CURLE_SEND_ERROR, _), (CURLE_RECV_ERROR, _), (CURLE_GOT_NOTHING, _):
                .connectionFailed
            case (CURLE_OPERATION_TIMEDOUT, _): .timedOut
            case (CURLE_SSL_CONNECT_ERROR, _), (CURLE_PEER_FAILED_VERIFICATION, _), (CURLE_USE_SSL_FAILED, _),
                (CURLE_SSL_CERTPROBLEM, _), (CURLE_SSL_CIPHER, _), (CURLE_SSL_CACERT_BADFILE, _),
                (CURLE_SSL_ENGINE_NOTFOUND, _), (CURLE_SSL_ENGINE_SETFAILED, _):
                .tlsFailed
            case (CURLE_UNSUPPORTED_PROTOCOL, _), (CURLE_URL_MALFORMAT, _), (CURLE_NOT_BUILT_IN, _),
                (CURLE_UNKNOWN_OPTION, _), (CURLE_FAILED_INIT, _):
                .invalidConfiguration
            default: .unexpected
            }
        self.init(code: code, replyCode: reply, curlCode: Int(curlCode.rawValue), detail: detail)
    }
}
