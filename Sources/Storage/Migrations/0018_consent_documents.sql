-- Signed express-consent documents of independent candidacies (the seed's "formato de
-- consentimiento expreso"): the PDF lives encrypted in the blob store (sealed like the
-- sensitive columns; `sha256` names the stored, sealed blob), this row tracks it until staff
-- of the transparency office mark it received (which records the consent it states) or
-- refuse it with observations (unsigned, illegible, another person's).
CREATE TABLE consent_documents (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    candidacy_id      text NOT NULL REFERENCES candidacies (id),
    sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    key_id            text NOT NULL,
    byte_count        integer NOT NULL CHECK (byte_count > 0),
    uploaded_by       text NOT NULL,
    uploaded_at       timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'received', 'refused')),
    publish_identity  boolean,
    observations      text,
    reviewed_by       text,
    reviewed_at       timestamptz,
    CONSTRAINT consent_documents_reviewed CHECK ((status = 'pending') = (reviewed_at IS NULL) AND (reviewed_at IS NULL) = (reviewed_by IS NULL)),
    CONSTRAINT consent_documents_decision CHECK ((status = 'received') = (publish_identity IS NOT NULL)),
    CONSTRAINT consent_documents_refusal CHECK (status <> 'refused' OR btrim(coalesce(observations, '')) <> '')
);
CREATE INDEX consent_documents_candidacy_idx ON consent_documents (candidacy_id, uploaded_at DESC);
CREATE INDEX consent_documents_pending_idx ON consent_documents (uploaded_at) WHERE status = 'pending';
