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
    "handoff_code": "Votre code pour le 3422 : {code}.\nSi vous appelez le 3422, donnez ce code.",
    "agent_joined": "Une personne du 3422 vous répond maintenant.",
    "agent_joined_named": "{name}, une personne du 3422, vous répond maintenant.",
    "agent_left": (
        "La personne du 3422 a quitté la conversation.\nL'assistant vous répond de nouveau."
    ),
    # A person of the 3422 took over and asks for a code: it goes to the service, not to them.
    "agent_asks_code": (
        "Nous vous avons envoyé un code de 6 chiffres.\n"
        "Écrivez ce code ici.\n"
        "La personne du 3422 ne voit pas ce code."
    ),
    "agent_asks_password": (
        "Écrivez ici votre mot de passe.\nLa personne du 3422 ne voit pas ce mot de passe."
    ),
    "agent_secret_ok_code": "Le code est bon.\nLa personne du 3422 continue avec vous.",
    "agent_secret_failed_code": ("Ce code ne marche pas.\nLa personne du 3422 va vous aider."),
    "agent_secret_ok_password": (
        "Le mot de passe est bon.\nLa personne du 3422 continue avec vous."
    ),
    "agent_secret_failed_password": (
        "Ce mot de passe ne marche pas.\nLa personne du 3422 va vous aider."
    ),
    # Errors of the chat API.
    "body_too_large": "Ce que vous envoyez est trop gros.\nÉcrivez un message plus court.",
    "empty_message": "Votre message est vide.\nÉcrivez quelques mots, s'il vous plaît.",
    "nothing_to_read": (
        "Je ne peux pas lire votre message.\n"
        "Écrivez quelques mots avec des lettres, s'il vous plaît."
    ),
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
    "file_unavailable": (
        "Le fichier n'est pas disponible pour le moment.\nEssayez de nouveau dans quelques minutes."
    ),
    "forbidden": "Vous avez besoin d'une autorisation pour faire cela.",
    "too_many_requests": (
        "Vous avez envoyé beaucoup de messages.\nAttendez une minute, puis essayez de nouveau."
    ),
    # Telegram channel (bot/channels/telegram.py). Command menu: one short line each.
    "telegram_command_start": "Commencer la conversation",
    "telegram_command_aide": "Avoir de l'aide",
    "telegram_command_stop": "Arrêter la question en cours",
    "telegram_command_voix": "Écouter les réponses ou couper le son",
    "telegram_voice_on": "Vous allez entendre les réponses.\nPour couper le son, envoyez /voix.",
    "telegram_voice_off": (
        "Vous n'allez plus entendre les réponses.\nPour les écouter, envoyez /voix."
    ),
    # Added under a question that asks for a code or a password.
    "telegram_secret_notice": "Après lecture, nous effaçons votre message de cette conversation.",
    "telegram_delete_failed": (
        "Nous n'avons pas pu effacer votre message.\n"
        "Effacez-le vous-même, s'il vous plaît.\n"
        "Appuyez longtemps sur le message, puis choisissez Supprimer."
    ),
    "telegram_unsupported": (
        "Je lis seulement les messages écrits.\n"
        "Je ne peux pas écouter les messages vocaux, ni lire les photos et les fichiers.\n"
        "Écrivez votre message, s'il vous plaît."
    ),
    "telegram_choice_expired": "Ce choix ne marche plus.\nÉcrivez votre réponse, s'il vous plaît.",
    # Text beside a pictogram in a chat without pictures (same words as the widget's).
    "picto_calendar": "Calendrier",
    "picto_document": "Document",
    "picto_lock": "Cadenas",
    "picto_phone": "Téléphone",
    "picto_help": "Aide",
    "picto_doctor": "Médecin",
    "picto_child": "Enfant",
    "picto_emergency": "Urgence",
    "picto_message": "Message",
    "picto_voice": "Voix",
    "picto_check": "C'est bon",
    "picto_warning": "Attention",
    # SMS channel (bot/channels/sms.py): the buttons become numbered lines.
    "sms_choice": "Répondez {number} pour : {title}",
    # falc: allow acronym — START and STOP are the SMS keywords people must type as they are
    "sms_stopped": (
        "Vous ne recevrez plus de messages de l'assistant.\nPour recommencer, envoyez START."
    ),
    "sms_started": "Vous recevez de nouveau les messages de l'assistant.\nÉcrivez votre question.",
    # falc: allow acronym — STOP is the SMS keyword people must type as it is
    "sms_help": (
        "Écrivez votre question en quelques mots.\n"
        "Pour arrêter les messages, envoyez STOP.\n"
        "Pour parler à une personne, appelez le 3422 : c'est gratuit."
    ),
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
