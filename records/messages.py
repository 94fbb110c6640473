"""Every French text of the record service that a person can read or hear.

Easy-to-read (FALC, SPEC §6): short sentences, one per line, "vous", numbers in digits.
The FALC linter reads this module: ERRORS, SMS, EMAILS, PDF_REFUSAL, TERMS. Ids are stable;
clients branch on error codes, never on texts.
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    # General
    "invalid_request": "Une information manque ou est fausse.\nVérifiez et recommencez.",
    "not_found": "Ce que vous cherchez est introuvable.",
    "method_not_allowed": "Cette action est impossible ici.",
    "body_too_large": "Ce que vous envoyez est trop gros.\nUn document peut avoir 5 Mo au plus.",
    "internal_error": "Le service a un problème.\nRéessayez plus tard ou appelez le 3422.",
    "idempotency_key_reused": "Vous avez déjà fait cette demande avec d'autres informations.",
    "idempotency_in_progress": "Votre demande est en cours.\nRéessayez dans 1 minute.",
    "unauthenticated": "Connectez-vous d'abord à votre espace santé.",
    "session_expired": "Votre connexion est terminée.\nConnectez-vous à nouveau.",
    "forbidden": "Vous avez le droit de voir seulement votre espace santé.",
    "excluded_organisation": (
        "Les mutuelles, assurances, banques et employeurs n'ont jamais accès à Mon espace santé."
    ),
    "conversation_required": "Connectez-vous d'abord à votre espace santé.",
    "conversation_not_linked": "Connectez-vous d'abord pour voir votre espace santé.",
    "link_not_found": "Cette conversation est introuvable.",
    "conversation_linked_elsewhere": (
        "Une autre personne est connectée dans cette conversation.\n"
        "Ouvrez une nouvelle conversation pour vous connecter."
    ),
    # Activation: identity
    "invalid_birth_date": (
        "La date de naissance est fausse.\nÉcrivez le jour, le mois et l'année."
    ),
    "invalid_vitale_serial": (
        "Le numéro de série est faux.\nIl a seulement des chiffres.\n"
        "Il est écrit sur votre carte Vitale."
    ),
    "serial_or_code_required": (
        "Donnez le numéro de série de votre carte Vitale.\nVous pouvez aussi donner votre code."
    ),
    "identity_not_found": (
        "Votre dossier est introuvable.\nVérifiez la date de naissance et le numéro de série."
    ),
    "already_activated": "Votre espace santé existe déjà.\nVous pouvez vous connecter.",
    "invalid_mode": "Choisissez : seul, avec votre tuteur, ou avec un professionnel.",
    "representative_missing": (
        "Nous ne trouvons pas de tuteur pour cette personne.\nAppelez le 3422 pour avoir de l'aide."
    ),
    "no_contact": (
        "Nous avons besoin de votre téléphone ou de votre mail.\n"
        "Appelez le 3422 pour avoir de l'aide."
    ),
    "activation_not_found": (
        "Cette création d'espace est introuvable.\nRecommencez depuis le début."
    ),
    "activation_expired": (
        "Le temps est dépassé.\nRecommencez la création de votre espace depuis le début."
    ),
    "step_out_of_order": "Cette étape vient plus tard.\nSuivez les étapes dans l'ordre.",
    # Codes
    "invalid_channel": "Choisissez comment recevoir le code : SMS ou mail.",
    "channel_unavailable": "Nous connaissons seulement votre autre contact.\nChoisissez-le.",
    "too_many_codes": "Vous avez demandé beaucoup de codes.\nAttendez 1 heure, puis recommencez.",
    "too_many_messages": (
        "Nous avons envoyé beaucoup de codes aujourd'hui.\n"
        "Attendez demain, puis recommencez.\n"
        "Pour avoir de l'aide, appelez le 3422."
    ),
    "no_code": "Demandez d'abord un code.",
    "invalid_code_format": "Le code a 6 chiffres.\nÉcrivez seulement les 6 chiffres.",
    "wrong_code": "Ce code est faux.\nVérifiez le code et réessayez.",
    "code_expired": "Ce code a plus de 10 minutes.\nDemandez un nouveau code.",
    "too_many_tries": "Vous avez fait 5 erreurs avec ce code.\nDemandez un nouveau code.",
    # Contacts
    "invalid_phone": (
        "Ce numéro de téléphone est faux.\nÉcrivez 10 chiffres, par exemple 06 12 34 56 78."
    ),
    "invalid_email": "Cette adresse mail est fausse.\nÉcrivez par exemple prenom.nom@exemple.fr.",
    "contact_required": "Gardez au moins un contact : téléphone ou mail.",
    "terms_not_accepted": (
        "Pour créer votre espace, acceptez les conditions.\n"
        "Vous pouvez aussi refuser Mon espace santé."
    ),
    # Identifier and password
    "identifier_too_short": (
        "Votre identifiant est trop court.\nIl faut au moins 8 lettres ou chiffres."
    ),
    "identifier_too_long": (
        "Votre identifiant est trop long.\nIl faut 100 lettres ou chiffres au plus."
    ),
    "identifier_invalid_characters": (
        "Utilisez seulement des lettres minuscules sans accent et des chiffres.\n"
        "Par exemple : marie1985."
    ),
    "identifier_is_email": "Choisissez un identifiant différent de votre adresse mail.",
    "identifier_is_nir": "Choisissez un identifiant différent de votre numéro de sécurité sociale.",
    "identifier_taken": (
        "Une autre personne a déjà cet identifiant.\nChoisissez un autre identifiant."
    ),
    "password_too_short": (
        "Votre mot de passe est trop court.\nIl faut au moins 9 lettres, chiffres ou signes."
    ),
    "password_too_long": "Votre mot de passe est trop long.\nIl faut 128 signes au plus.",
    "password_needs_lowercase": "Ajoutez au moins une lettre minuscule, par exemple a.",
    "password_needs_uppercase": "Ajoutez au moins une lettre majuscule, par exemple A.",
    "password_needs_digit": "Ajoutez au moins un chiffre, par exemple 7.",
    "password_needs_special": "Ajoutez au moins un signe, par exemple ! ou ?.",
    "password_too_common": (
        "Beaucoup de personnes ont ce mot de passe.\nChoisissez un autre mot de passe."
    ),
    # Login
    "wrong_credentials": "L'identifiant ou le mot de passe est faux.\nVérifiez et réessayez.",
    "too_many_attempts": (
        "Vous avez fait beaucoup d'essais.\nAttendez quelques minutes, puis réessayez."
    ),
    "challenge_not_found": "Cette connexion est introuvable.\nRecommencez la connexion.",
    "challenge_expired": "Le temps est dépassé.\nRecommencez la connexion.",
    # Refusing and closing
    "refusal_not_found": "Cette demande de refus est introuvable.\nRecommencez depuis le début.",
    "refusal_after_activation": (
        "Votre espace santé existe déjà.\nVous pouvez fermer votre espace santé."
    ),
}

# SMS bodies. {code} is a 6-digit code; it is written in the outbox only, never in logs.
SMS: dict[str, str] = {
    "activation_code": (
        "Mon espace santé : votre code est {code}.\n"
        "Ce code marche pendant 10 minutes.\n"
        "Gardez ce code pour vous."
    ),
    "activation_final_code": (
        "Mon espace santé : votre nouveau code est {code}.\n"
        "Ce code marche pendant 10 minutes.\n"
        "Gardez ce code pour vous."
    ),
    "login_code": (
        "Mon espace santé : votre code de connexion est {code}.\n"
        "Ce code marche pendant 10 minutes.\n"
        "Gardez ce code pour vous."
    ),
    "refusal_code": (
        "Mon espace santé : votre code pour refuser Mon espace santé est {code}.\n"
        "Ce code marche pendant 10 minutes.\n"
        "Gardez ce code pour vous."
    ),
    "refusal_recorded": (
        "Mon espace santé : vous avez refusé Mon espace santé.\n"
        "Si ce n'est pas vous, appelez le 3422."
    ),
    "space_created": (
        "Votre espace santé est prêt.\nConnectez-vous avec votre identifiant et votre mot de passe."
    ),
    "space_closed_kept": "Vous avez fermé votre espace santé.\nNous gardons vos documents 10 ans.",
    "space_closed_deleted": "Vous avez fermé votre espace santé.\nNous avons effacé vos documents.",
}

# Emails: subject and body. Same words as the SMS, with a greeting.
EMAILS: dict[str, dict[str, str]] = {
    "activation_code": {
        "subject": "Votre code pour Mon espace santé",
        "body": (
            "Bonjour,\n"
            "Votre code est {code}.\n"
            "Ce code marche pendant 10 minutes.\n"
            "Gardez ce code pour vous.\n"
            "Pour avoir de l'aide, appelez le 3422."
        ),
    },
    "activation_final_code": {
        "subject": "Votre nouveau code pour Mon espace santé",
        "body": (
            "Bonjour,\n"
            "Votre nouveau code est {code}.\n"
            "Ce code marche pendant 10 minutes.\n"
            "Gardez ce code pour vous.\n"
            "Pour avoir de l'aide, appelez le 3422."
        ),
    },
    "login_code": {
        "subject": "Votre code de connexion à Mon espace santé",
        "body": (
            "Bonjour,\n"
            "Votre code de connexion est {code}.\n"
            "Ce code marche pendant 10 minutes.\n"
            "Gardez ce code pour vous."
        ),
    },
    "refusal_code": {
        "subject": "Votre code pour refuser Mon espace santé",
        "body": (
            "Bonjour,\n"
            "Votre code pour refuser Mon espace santé est {code}.\n"
            "Ce code marche pendant 10 minutes.\n"
            "Gardez ce code pour vous.\n"
            "Pour avoir de l'aide, appelez le 3422."
        ),
    },
    "refusal_recorded": {
        "subject": "Vous avez refusé Mon espace santé",
        "body": (
            "Bonjour,\n"
            "Vous avez refusé Mon espace santé.\n"
            "Vous pouvez changer d'avis plus tard.\n"
            "Si ce n'est pas vous, appelez le 3422."
        ),
    },
    "space_created": {
        "subject": "Votre espace santé est prêt",
        "body": (
            "Bonjour,\n"
            "Votre espace santé est prêt.\n"
            "Connectez-vous avec votre identifiant et votre mot de passe."
        ),
    },
    "space_closed_kept": {
        "subject": "Vous avez fermé votre espace santé",
        "body": (
            "Bonjour,\nVous avez fermé votre espace santé.\nNous gardons vos documents 10 ans."
        ),
    },
    "space_closed_deleted": {
        "subject": "Vous avez fermé votre espace santé",
        "body": "Bonjour,\nVous avez fermé votre espace santé.\nNous avons effacé vos documents.",
    },
}

# The proof of refusal (PDF). {name}, {birth_date} and {date} are filled in.
PDF_REFUSAL: dict[str, str] = {
    "title": "Attestation de refus de Mon espace santé",
    "person": "Personne : {name}, née ou né le {birth_date}.",
    "refused": "Vous avez refusé Mon espace santé le {date}.",
    "effect": (
        "Nous gardons ce choix.\nNous créerons votre espace santé seulement si vous le demandez."
    ),
    "change": "Vous pouvez changer d'avis plus tard.\nAllez sur le site monespacesante.fr.",
    "keep": "Gardez cette attestation.",
    "help": "Pour avoir de l'aide, appelez le 3422.\nL'appel est gratuit.",
}

# Short easy-to-read summary of the terms of use, shown before acceptance.
TERMS: dict[str, str] = {
    "what": "Mon espace santé est votre carnet de santé sur internet.",
    "who": "Vous décidez qui voit vos documents.",
    "never": "Les mutuelles, assurances, banques et employeurs n'ont jamais accès à votre espace.",
    "stop": "Vous pouvez fermer votre espace santé quand vous voulez.",
    "help": "Pour avoir de l'aide, appelez le 3422.\nL'appel est gratuit.",
}
TERMS_VERSION = "2026-11"


def error_message(code: str) -> str:
    return ERRORS.get(code, ERRORS["invalid_request"])


# --- The record itself (issue 3): its texts live in records/messages_record.py (the FALC
# linter reads both); its error codes join ERRORS here so error_message() finds them.
from records.messages_record import RECORD_ERRORS  # noqa: E402

ERRORS.update({k: v for k, v in RECORD_ERRORS.items() if k not in ERRORS})
