-- Reports staff ask for at any time ("Generar informe ahora"), besides the periodic and final
-- ones: kind 'a_solicitud', one per process and day (a second request the same day replaces it
-- with the numbers of that moment).
ALTER TABLE progress_reports DROP CONSTRAINT progress_reports_kind_check;
ALTER TABLE progress_reports ADD CONSTRAINT progress_reports_kind_check CHECK (kind IN ('periodico', 'final', 'a_solicitud'));
