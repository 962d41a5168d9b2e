"""Pages of the accounts app, one module per audience: auth (everyone), mfa, prescriber, person,
collaborator, regie (access administrators)."""
