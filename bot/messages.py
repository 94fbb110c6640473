"""Every text the gateway itself shows or says to a person (SPEC §6: the FALC linter reads it).

One sentence per line. Texts written by Rasa live in domain.yml, the widget's in
web_widget/texts.fr.json.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Rasa, actions or records do not answer (SPEC §4.4).
    "service_down": (
        "Le service ne marche pas pour le moment.\n"
        "Nous gardons votre message et nous vous répondrons plus tard.\n"
        "Pour avoir de l'aide, appelez le 3422 : c'est gratuit."
    ),
    "service_down_again": (
        "Nous gardons aussi ce message.\nNous vous répondrons quand le service marchera de nouveau."
    ),
    "service_back": "Le service marche de nouveau.\nVoici la réponse à votre message.",
    # Records does not answer while the person types a code or a password: we never keep it.
    "secret_service_down": (
        "Le service ne marche pas pour le moment.\n"
        "Essayez de nouveau dans quelques minutes.\n"
        "Pour avoir de l'aide, appelez le 3422 : c'est gratuit."
    ),
    # Shown in the conversation instead of the secret.
    "secret_sent_code": "Vous avez envoyé votre code.\nNous le gardons caché.",
    "secret_sent_password": "Vous avez envoyé votre mot de passe.\nNous le gardons caché.",
    # Human handoff (SPEC §5, helpline 3422).
    "handoff_requested": (
        "Une personne du 3422 va vous répondre ici.\nAttendez quelques minutes, s'il vous plaît."
    ),
    "handoff_code": "Votre code pour le 3422 : {code}.\nSi vous appelez le 3422, donnez ce code.",
    "agent_joined": "Une personne du 3422 vous répond maintenant.",
    "agent_joined_named": "{name}, une personne du 3422, vous répond maintenant.",
    "agent_left": (
        "La personne du 3422 a quitté la conversation.\nL'assistant vous répond de nouveau."
    ),
    # Errors of the chat API.
    "empty_message": "Votre message est vide.\nÉcrivez quelques mots, s'il vous plaît.",
    "message_too_long": (
        "Votre message est trop long.\nÉcrivez un message plus court, s'il vous plaît."
    ),
    "conversation_not_found": (
        "Nous avons perdu cette conversation.\n"
        "Commencez une nouvelle conversation, s'il vous plaît."
    ),
    "invalid_request": (
        "Nous avons mal compris votre demande.\nEssayez de nouveau, s'il vous plaît."
    ),
    "audio_unavailable": "Le son ne marche pas pour le moment.\nLisez le message, s'il vous plaît.",
    "forbidden": "Vous avez besoin d'une autorisation pour faire cela.",
    # Errors of the helpline console (bot/console): the agents read them.
    "agent_unauthenticated": "Connectez-vous d'abord avec votre compte du 3422.",
    "agent_wrong_credentials": "L'identifiant ou le mot de passe est faux.\nEssayez de nouveau.",
    "agent_too_many_attempts": "Vous avez fait trop d'essais.\nAttendez quelques minutes.",
    "agent_only": "Seules les personnes du 3422 peuvent utiliser cette page.",
    "helpline_ticket_not_found": "Cette personne n'attend plus le 3422.",
    "helpline_taken": "Une autre personne du 3422 aide déjà cette personne.",
    "helpline_not_taken": "Prenez d'abord la conversation.\nEnsuite, vous pouvez écrire.",
    "helpline_code_unknown": "Ce code ne marche pas.\nVérifiez le code avec la personne.",
    "helpline_too_many_lookups": "Vous avez essayé trop de codes.\nAttendez 15 minutes.",
    "records_unavailable": (
        "Le service des dossiers ne marche pas pour le moment.\n"
        "Essayez de nouveau dans quelques minutes."
    ),
}


def text(message_id: str) -> str:
    """The text of one gateway message; a missing id is a bug, so it raises KeyError."""
    return MESSAGES[message_id]
