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
    # Text that looks like a code or a password while none is asked: sent to nobody.
    "secret_held_code": "Vous avez écrit un code.\nNous le gardons caché.",
    "secret_held_password": "Vous avez écrit un mot de passe.\nNous le gardons caché.",
    "secret_not_sent_code": (
        "Ce message ressemble à un code secret : nous ne l'avons envoyé à personne.\n"
        "Écrivez un code seulement quand l'assistant vous le demande.\n"
        "Si vous avez besoin d'aide, écrivez : aide."
    ),
    "secret_not_sent_password": (
        "Ce message ressemble à un mot de passe : nous ne l'avons envoyé à personne.\n"
        "Écrivez votre mot de passe seulement quand l'assistant vous le demande.\n"
        "Pour vous connecter, écrivez : je veux me connecter."
    ),
    # Human handoff (SPEC §5, helpline 3422).
    "handoff_requested": (
        "Une personne du 3422 va vous répondre ici.\nAttendez quelques minutes, s'il vous plaît."
    ),
    "agent_joined": "Une personne du 3422 vous répond maintenant.",
    "agent_left": (
        "La personne du 3422 a quitté la conversation.\nL'assistant vous répond de nouveau."
    ),
    # Errors of the chat API.
    "body_too_large": "Ce que vous envoyez est trop gros.\nÉcrivez un message plus court.",
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
    "too_many_requests": (
        "Vous avez envoyé beaucoup de messages.\nAttendez une minute, puis essayez de nouveau."
    ),
}


def text(message_id: str) -> str:
    """The text of one gateway message; a missing id is a bug, so it raises KeyError."""
    return MESSAGES[message_id]
