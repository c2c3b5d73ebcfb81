extension CurricularQuestionnaire {
    /// Every missing or invalid field, in form order.
    ///
    /// - Parameters:
    ///   - rules: the limits (defaults of the rules unless the process changes them).
    ///   - registeredUnderAffirmativeAction: such candidacies need no publication authorization.
    ///   - photoReferenceDate: the day the photo's age is measured against: the later of
    ///     today and the process's publication date (the caller knows the clock; Core does not).
    public func completeness(
        rules: ValidationRules = .default,
        registeredUnderAffirmativeAction: Bool,
        photoReferenceDate: LocalDate
    ) -> CompletenessReport {
        var collector = IssueCollector()
        validatePhoto(into: &collector, rules: rules, referenceDate: photoReferenceDate)
        contact.validate(into: &collector)
        validateEducation(into: &collector, rules: rules)
        for (index, entry) in otherTraining.enumerated() {
            if entry.isBlank {
                collector.add(Field.otherTraining(index), .missing, "Escriba el curso, diplomado o seminario, o quítelo.")
            } else {
                collector.length(entry, rule: rules.otherTrainingEntry, Field.otherTraining(index))
            }
        }
        for entry in CurricularField.texts {
            guard let text = entry.text else { continue }
            collector.requiredText(self[keyPath: text.answer], rule: rules[keyPath: text.rule], entry.field)
        }
        if !registeredUnderAffirmativeAction {
            switch publicationAuthorization {
            case nil:
                collector.add(Field.publicationAuthorization, .missing, "Indique si autoriza la publicación de la información.")
            case false?:
                collector.add(
                    Field.publicationAuthorization, .invalid,
                    "Sin la autorización para publicar la información, el perfil no puede publicarse.")
            case true?:
                break
            }
        }
        return collector.report
    }

    private func validatePhoto(into collector: inout IssueCollector, rules: ValidationRules, referenceDate: LocalDate) {
        guard let photo else {
            collector.add(Field.photo, .missing, "Suba una fotografía en formato JPG o PNG.")
            return
        }
        if rules.photoIsTooLarge(bytes: photo.byteCount) {
            collector.add(Field.photo, .invalid, rules.photoTooLargeMessage(bytes: photo.byteCount))
        }
        guard photo.takenOn != nil else {
            collector.add(Field.photo, .missing, "Indique la fecha en que se tomó la fotografía.")
            return
        }
        if let message = photoDateProblem(rules: rules, referenceDate: referenceDate) {
            collector.add(Field.photo, .invalid, message)
        }
    }

    /// Why the photo's capture day breaks the age rule on `referenceDate` (later than it, or
    /// more than `rules.photoMaximumAgeMonths` months before it), or nil when it does not or
    /// there is no dated photo. Completeness asks it while capturing; staff's verification
    /// and publication ask it again on their own day.
    public func photoDateProblem(rules: ValidationRules = .default, referenceDate: LocalDate) -> String? {
        guard let takenOn = photo?.takenOn else { return nil }
        let earliest = referenceDate.addingMonths(-rules.photoMaximumAgeMonths)
        if takenOn > referenceDate {
            return "La fecha de la fotografía (\(takenOn.spanishDescription)) no puede ser posterior a hoy."
        }
        if takenOn < earliest {
            return
                "La fotografía es del \(takenOn.spanishDescription); debe tener como máximo \(rules.photoMaximumAgeMonths) meses de antigüedad: tomada a partir del \(earliest.spanishDescription)."
        }
        return nil
    }

    private func validateEducation(into collector: inout IssueCollector, rules: ValidationRules) {
        guard let maximumDegree else {
            collector.add(Field.maximumDegree, .missing, "Elija su grado máximo de estudios.")
            return
        }
        guard rules.educationLevels.contains(where: { $0.key == maximumDegree }) else {
            collector.add(Field.maximumDegree, .notInCatalog, "El grado de estudios elegido no está en el catálogo.")
            return
        }
        let takesStatus = !rules.educationLevelsWithoutStatus.contains(maximumDegree)
        switch (takesStatus, degreeStatus) {
        case (true, nil):
            collector.add(Field.degreeStatus, .missing, "Elija el estatus de su grado máximo de estudios.")
        case (true, let status?) where !rules.educationStatuses.contains(where: { $0.key == status }):
            collector.add(Field.degreeStatus, .notInCatalog, "El estatus elegido no está en el catálogo.")
        case (false, _?):
            collector.add(Field.degreeStatus, .notApplicableExpected, "Este grado de estudios no lleva estatus; deje este dato vacío.")
        default:
            break
        }
    }
}
