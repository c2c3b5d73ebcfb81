import ConocelesConfig
import Storage

extension DatabaseEndpoint {
    /// The endpoint of a configured URL (`database.url`, `database.listen_url`).
    public init(_ url: DatabaseURL) {
        self.init(
            host: url.host, port: url.port, username: url.username, password: url.password,
            database: url.database, tls: TLS(url))
    }
}

extension DatabaseEndpoint.TLS {
    /// libpq's meaning of `sslmode` (https://www.postgresql.org/docs/current/libpq-ssl.html):
    /// `disable` plain; `allow` and `prefer` TLS when offered, unverified (libpq's `allow`
    /// tries plain first; both connect to either kind of server); `require` TLS without
    /// verifying the certificate, unless a CA file is given (then, as libpq with a root.crt,
    /// the chain is verified); `verify-ca` the chain; `verify-full` the chain and the host name.
    /// The CA file is `sslrootcert` or `database.ca_file`; without one, the system's authorities.
    public init(_ url: DatabaseURL) {
        switch url.sslMode {
        case .disable: self = .disable
        case .allow, .prefer: self.init(mode: .prefer, verification: .none, caFile: url.rootCertificate)
        case .require: self.init(mode: .require, verification: url.rootCertificate == nil ? .none : .chain, caFile: url.rootCertificate)
        case .verifyCA: self.init(mode: .require, verification: .chain, caFile: url.rootCertificate)
        case .verifyFull: self.init(mode: .require, verification: .full, caFile: url.rootCertificate)
        }
    }
}
