import Testing
@testable import ConocelesCore

@Suite("Mexican phone numbers")
struct MexicanPhoneNumberTests {
    @Test(
        "Accepted",
        arguments: [
            ("3312345678", "+523312345678"),
            ("33 1234 5678", "+523312345678"),
            ("33-1234-5678", "+523312345678"),
            ("+52 33 1234 5678", "+523312345678"),
            ("+523312345678", "+523312345678"),
            ("+52-55-1234-5678", "+525512345678"),
            ("  55 12 34 56 78 ", "+525512345678"),
            ("222 123 4567", "+522221234567"),
            ("(33) 1234-5678", "+523312345678"),
            ("33.1234.5678", "+523312345678"),
            ("+52 1 33 1234 5678", "+523312345678"),
            ("+52 (55) 1234 5678", "+525512345678"),
        ])
    func accepted(text: String, normalized: String) {
        #expect(MexicanPhoneNumber.normalized(text) == normalized)
        #expect(MexicanPhoneNumber.isValid(text))
    }

    @Test(
        "Refused",
        arguments: [
            "",
            "331234567",  // 9 digits
            "33123456789",  // 11 digits
            "1 33 1234 5678",  // the old mobile prefix only after +52
            "523312345678",  // country code without +
            "+1 3312345678",  // another country
            "+5233123456",  // 8 digits after +52
            "(33 1234 5678",  // an unpaired parenthesis
            "33/1234/5678",  // slashes are not separators
            "33 1234 567a",
            "٣٣١٢٣٤٥٦٧٨",  // Arabic-Indic digits
            "+52+3312345678",
            "33 1234 5678 ext 2",
        ])
    func refused(text: String) {
        #expect(MexicanPhoneNumber.normalized(text) == nil)
        #expect(MexicanPhoneNumber.tenDigits(text) == nil)
    }

    @Test func tenDigitsAreWhatTheFormKeeps() {
        #expect(MexicanPhoneNumber.tenDigits("(33) 1234-5678") == "3312345678")
        #expect(MexicanPhoneNumber.tenDigits("+52 1 55.1234.5678") == "5512345678")
    }
}

@Suite("E-mail addresses")
struct EmailAddressTests {
    @Test(
        "Accepted",
        arguments: [
            "maria@ejemplo.mx",
            "maria.lopez@ejemplo.com.mx",
            "maria+campana@gmail.com",
            "MARIA_LOPEZ-2024@Sub.Dominio.org",
            " contacto@partido.org.mx ",
            "o'neil@ejemplo.mx",
            "maria@campaña.mx",
        ])
    func accepted(text: String) {
        #expect(EmailAddress.isValid(text))
    }

    @Test(
        "Refused",
        arguments: [
            "",
            "maria",
            "maria@",
            "@ejemplo.mx",
            "maria@ejemplo",
            "maria@@ejemplo.mx",
            "maria@ejemplo..mx",
            ".maria@ejemplo.mx",
            "maria.@ejemplo.mx",
            "ma..ria@ejemplo.mx",
            "maria lopez@ejemplo.mx",
            "maría@ejemplo.mx",
            "maria@-ejemplo.mx",
            "maria@ejemplo.m",
            "maria@ejemplo.123",
            "maria@ejemplo.mx>",
        ])
    func refused(text: String) {
        #expect(!EmailAddress.isValid(text))
    }

    @Test func localPartOver64IsRefused() {
        #expect(EmailAddress.isValid(String(repeating: "a", count: 64) + "@ejemplo.mx"))
        #expect(!EmailAddress.isValid(String(repeating: "a", count: 65) + "@ejemplo.mx"))
    }
}

@Suite("Social network addresses")
struct SocialNetworkTests {
    @Test(
        "Accepted",
        arguments: [
            (SocialNetwork.facebook, "https://www.facebook.com/maria.lopez"),
            (.facebook, "https://facebook.com/maria.lopez"),
            (.facebook, "http://m.facebook.com/profile.php?id=100"),
            (.facebook, "https://web.facebook.com/maria.lopez/"),
            (.facebook, "HTTPS://WWW.FACEBOOK.COM/MariaLopez"),
            (.twitter, "https://twitter.com/marialopez"),
            (.twitter, "https://x.com/marialopez"),
            (.twitter, "https://mobile.twitter.com/marialopez"),
            (.twitter, "https://www.x.com/marialopez?lang=es"),
            (.youtube, "https://www.youtube.com/@marialopez"),
            (.youtube, "https://youtube.com/channel/UC123"),
            (.youtube, "https://m.youtube.com/watch?v=abc"),
            (.youtube, "https://youtu.be/abc123"),
            (.instagram, "https://www.instagram.com/marialopez/"),
            (.instagram, "https://instagram.com/marialopez"),
            (.tiktok, "https://www.tiktok.com/@marialopez"),
            (.tiktok, "https://vm.tiktok.com/ZMabc/"),
            (.facebook, "  https://www.facebook.com/maria.lopez  "),
            (.facebook, "https://www.facebook.com./maria.lopez"),
            (.facebook, "https://www.facebook.com:443/maria.lopez"),
        ])
    func accepted(network: SocialNetwork, text: String) {
        #expect(network.accepts(text))
    }

    @Test(
        "Refused",
        arguments: [
            (SocialNetwork.facebook, "www.facebook.com/maria.lopez"),  // no scheme
            (.facebook, "ftp://facebook.com/maria"),
            (.facebook, "https://facebook.com"),  // no profile
            (.facebook, "https://facebook.com/"),
            (.facebook, "https://facebook.com.evil.mx/maria"),
            (.facebook, "https://evilfacebook.com/maria"),
            (.facebook, "https://evil.mx/facebook.com/maria"),
            (.facebook, "https://facebook.com@evil.mx/maria"),
            (.facebook, "https://www.instagram.com/maria"),  // another network
            (.facebook, "https://www.facebook.com/maria lopez"),
            (.facebook, "https://"),
            (.facebook, "https://face book.com/maria"),
            (.facebook, "https://www.facebook.com:99999/maria"),
            (.twitter, "https://twitter.co/marialopez"),
            (.twitter, "https://xcom/marialopez"),
            (.twitter, "https://www.facebook.com/marialopez"),
            (.youtube, "https://youtu.be/"),
            (.youtube, "https://www.youtube.co/@maria"),
            (.instagram, "https://instagr.am/maria"),
            (.tiktok, "https://tiktok.mx/@maria"),
            (.tiktok, "@marialopez"),
        ])
    func refused(network: SocialNetwork, text: String) {
        #expect(!network.accepts(text))
    }

    @Test("Every network accepts its own domains and no other network's", arguments: SocialNetwork.allCases)
    func domainsAreExclusive(network: SocialNetwork) {
        for other in SocialNetwork.allCases {
            for domain in other.domains {
                #expect(network.accepts("https://www.\(domain)/perfil") == (other == network))
            }
        }
    }

    @Test(
        "Web page: any http(s) address with a valid host",
        arguments: [
            ("https://www.marialopez.mx", true),
            ("http://marialopez.mx/propuestas?x=1#a", true),
            ("https://campaña.mx", true),
            ("marialopez.mx", false),
            ("https://localhost", false),
            ("https://marialopez", false),
            ("https://192.168.0.1", false),
            ("javascript:alert(1)", false),
            ("https://user:pass@marialopez.mx", false),
        ])
    func webPage(text: String, valid: Bool) {
        #expect((WebAddress(text) != nil) == valid)
    }
}
