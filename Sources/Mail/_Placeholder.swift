enum _PlaceholderMail {}
