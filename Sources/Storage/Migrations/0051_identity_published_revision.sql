-- The revision of the identity answers that staff verified when they last published the
-- profile. Public profiles show identity answers (with consent) only while the stored answers
-- are that revision: answers changed during a modification stay out of every public output
-- until the profile is verified and published again (shows less, never more).
ALTER TABLE identity_questionnaires ADD COLUMN published_revision integer;
-- Profiles already published: their current answers are taken as the published ones.
UPDATE identity_questionnaires i SET published_revision = i.revision
  FROM curricular_questionnaires q
 WHERE q.candidacy_id = i.candidacy_id AND q.published_at IS NOT NULL;
