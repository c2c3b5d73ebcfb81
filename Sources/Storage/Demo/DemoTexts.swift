import ConocelesCore
import Foundation

/// Spanish texts for the demo election, assembled from sentence pools so that each
/// profile reads differently and each field lands inside (or, on purpose, outside) its
/// length rule.
enum DemoTexts {
    static let givenNamesWomen = [
        "María", "Guadalupe", "Ana", "Sofía", "Fernanda", "Alejandra", "Claudia", "Verónica", "Rocío",
        "Patricia", "Itzel", "Ximena", "Mariana", "Laura", "Citlali", "Gabriela", "Martha", "Elena",
        "Daniela", "Rosa", "Teresa", "Adriana", "Lucía", "Valeria", "Yolanda", "Karla",
    ]
    static let givenNamesMen = [
        "José", "Juan", "Luis", "Carlos", "Miguel", "Jorge", "Francisco", "Alejandro", "Ricardo", "Arturo",
        "Jesús", "Eduardo", "Roberto", "Fernando", "Raúl", "Héctor", "Sergio", "Pablo", "Emiliano",
        "Salvador", "Ramón", "Ignacio", "Javier", "Óscar", "Rubén", "Tonatiuh",
    ]
    static let givenNamesNonBinary = ["Alex", "Andrea", "Sasha", "Ariel", "Cruz", "Guadalupe", "Rene", "Noa"]
    static let surnames = [
        "García", "Hernández", "López", "Martínez", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
        "Flores", "Gómez", "Díaz", "Cruz", "Morales", "Reyes", "Gutiérrez", "Ortiz", "Chávez", "Ruiz",
        "Jiménez", "Mendoza", "Álvarez", "Castillo", "Romero", "Núñez", "Ibarra", "Villaseñor", "Orozco",
        "Navarro", "Plascencia", "Aceves", "Camarena", "Covarrubias", "Íñiguez", "Zúñiga", "de la Torre",
    ]

    static let professional = [
        "Soy licenciada en Derecho por la Universidad de Guadalajara y he ejercido la abogacía durante {years} años.",
        "Trabajé como docente de educación secundaria en escuelas públicas de {place}.",
        "Coordiné proyectos de desarrollo comunitario con cooperativas agrícolas de la región.",
        "Me desempeñé como contadora en una empresa familiar dedicada a la producción de tequila.",
        "Fui jefa del área de atención ciudadana en el ayuntamiento de {place}, donde atendimos miles de solicitudes.",
        "Durante {years} años dirigí una pequeña empresa de servicios con doce personas empleadas.",
        "Colaboré como enfermera en el centro de salud de la cabecera municipal.",
        "He trabajado como ingeniero civil en obras de agua potable y drenaje en varios municipios de Jalisco.",
        "Soy comerciante y productora de artesanías; conozco de primera mano las necesidades del comercio local.",
        "Fui investigadora en temas de políticas públicas y transparencia en una institución académica.",
        "Laboré en el sector agropecuario, acompañando a productores de maíz y agave en sus trámites.",
        "Me he dedicado a la consultoría en planeación urbana y movilidad para gobiernos locales.",
    ]
    static let political = [
        "Participé como voluntaria en el comité vecinal de mi colonia, gestionando mejoras al alumbrado público.",
        "Fui regidora suplente en el periodo anterior y formé parte de la comisión de hacienda.",
        "Milito en mi partido desde hace {years} años y he coordinado campañas de afiliación en {place}.",
        "Formo parte de una organización de la sociedad civil que promueve los derechos de las mujeres.",
        "He colaborado con colectivos de búsqueda de personas desaparecidas, acompañando a sus familias.",
        "Impulsé la creación de un consejo ciudadano de participación para el presupuesto participativo.",
        "Fui representante de casilla en tres procesos electorales y capacitadora de funcionariado.",
        "Presidí la asociación de padres de familia de la escuela primaria de mi comunidad.",
        "Colaboré con organizaciones ambientalistas en la defensa del lago de Chapala y sus riberas.",
        "Encabecé una red de jóvenes emprendedores que ofrece asesoría gratuita a pequeños negocios.",
    ]
    static let motivation = [
        "Quiero ocupar este cargo porque creo que el servicio público debe estar cerca de la gente.",
        "Me motiva devolver a {place} lo que su gente me ha dado a lo largo de mi vida.",
        "Considero que hace falta una voz que escuche a las comunidades rurales y a las colonias populares.",
        "Aspiro a un gobierno abierto, que rinda cuentas y que publique cada peso que gasta.",
        "Deseo que las decisiones se tomen con información, con diálogo y con respeto a la ley.",
        "Mi compromiso es trabajar por la seguridad, el agua y el empleo, que son las prioridades de mis vecinas y vecinos.",
        "Creo que la política puede transformar vidas cuando se ejerce con honestidad.",
        "Busco representar a quienes nunca han sido escuchados en el {office}.",
    ]
    static let proposals = [
        "Propongo un programa de rehabilitación de calles y banquetas en {place}, con metas trimestrales y publicación de avances.",
        "Crearé una red de estancias infantiles de horario ampliado para madres y padres trabajadores, en un plazo de dos años.",
        "Impulsaré la instalación de plantas potabilizadoras para garantizar agua de calidad a la población de las zonas altas.",
        "Estableceré un presupuesto participativo del cinco por ciento del gasto de inversión, decidido por la ciudadanía.",
        "Promoveré becas de transporte para estudiantes de preparatoria y universidad, con meta de diez mil beneficiarios.",
        "Fortaleceré la policía de proximidad con capacitación en derechos humanos y rendición de cuentas mensual.",
        "Apoyaré a las y los productores locales con un mercado municipal semanal y créditos a tasa preferente.",
        "Digitalizaré los trámites municipales para que se resuelvan en línea en menos de cinco días hábiles.",
        "Recuperaré espacios públicos abandonados para convertirlos en parques, canchas y centros culturales.",
        "Garantizaré la atención médica básica en comunidades rurales mediante unidades móviles de salud.",
    ]
    static let gender = [
        "Propongo crear una instancia municipal de las mujeres con presupuesto propio y atención jurídica gratuita.",
        "Impulsaré protocolos contra la violencia política en razón de género en todas las dependencias.",
        "Promoveré la paridad en los nombramientos de la administración pública, con informes públicos semestrales.",
        "Estableceré refugios temporales para mujeres víctimas de violencia y sus hijas e hijos.",
        "Garantizaré la accesibilidad de edificios públicos para personas con discapacidad en un plazo de tres años.",
        "Crearé programas de empleo para personas jóvenes y personas de la diversidad sexual, sin discriminación.",
        "Impulsaré la traducción de trámites y avisos a lenguas indígenas, empezando por el wixárika.",
        "Fortaleceré la atención a personas mayores con centros de día y visitas domiciliarias.",
    ]
    static let courses = [
        "Diplomado en Gestión Pública Municipal, Universidad de Guadalajara, 2021",
        "Curso de Transparencia y Acceso a la Información, ITEI, 2022",
        "Seminario de Igualdad de Género y Derechos Humanos, 2020",
        "Diplomado en Finanzas Públicas, ITESO, 2019",
        "Curso de Protección Civil y Gestión de Riesgos, 2023",
        "Taller de Presupuesto Participativo, 2022",
    ]
    static let streets = [
        "Av. Juárez", "Calle Hidalgo", "Av. Vallarta", "Calle Morelos", "Av. Revolución", "Calle Independencia",
        "Av. López Mateos", "Calle Allende", "Av. Patria", "Calle Zaragoza",
    ]

    /// A paragraph from `pool` with at least `minimum` non-white-space characters (and
    /// usually not many more), with `{place}`, `{office}` and `{years}` filled in.
    static func paragraph(_ pool: [String], atLeast minimum: Int, place: String, office: String, random: inout DemoRandom) -> String {
        var sentences: [String] = []
        var count = 0
        var start = Int.random(in: 0..<pool.count, using: &random)
        while count < minimum {
            let years = String(Int.random(in: 3...25, using: &random))
            let sentence = pool[start % pool.count]
                .replacingOccurrences(of: "{place}", with: place)
                .replacingOccurrences(of: "{office}", with: office.lowercased())
                .replacingOccurrences(of: "{years}", with: years)
            sentences.append(sentence)
            count += sentence.nonWhiteSpaceCount
            start += 1 + Int.random(in: 0...2, using: &random)
        }
        return sentences.joined(separator: " ")
    }
}
