import ConocelesConfig
import Storage

extension SensitiveDataCipher {
    /// The cipher of the configuration: seals with `security.encryption_key` (id
    /// `security.encryption_key_id`) and opens what any of `security.previous_keys` sealed.
    /// Every process (serve, work, demo, keys, bench) builds its cipher here, so that all of
    /// them keep opening old values once the operator switches keys.
    /// - Throws: `SensitiveDataCipherError` when a key is unusable (the configuration's
    ///   validation already refuses such keys).
    public init(security: AppConfiguration.SecuritySettings) throws(SensitiveDataCipherError) {
        try self.init(key: security.encryptionKey, keyID: security.encryptionKeyID, previousKeys: security.previousKeys)
    }
}
