-- Whether a consent decision was recorded from the signed express-consent form that staff
-- received (independent candidacies: the seed publishes their identity answers only "una vez
-- recibido el consentimiento expreso"). Kept apart from the document reference, which the
-- purge clears when the form itself is deleted: the decision's origin stays on record.
ALTER TABLE identity_consents ADD COLUMN signed_form boolean NOT NULL DEFAULT false;
UPDATE identity_consents SET signed_form = true WHERE document_sha256 IS NOT NULL;
