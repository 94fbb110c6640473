"""French texts of the record itself (documents, sharing, agenda, exports) that people read.

Easy-to-read (FALC, SPEC §6). Kept apart from records/messages.py while that file was being
written by the accounts work; records/messages.py merges RECORD_ERRORS into ERRORS, and the
FALC linter should read this module too (docs/contracts.md lists it).
"""

from __future__ import annotations

# The 12 document categories of Mon espace santé (SPEC §3.3), with the service's own names.
CATEGORY_LABELS: dict[str, str] = {
    "SYNTHESE": "Ma santé en résumé",
    "ORD_SOIN": "Ordonnances et soins",
    "RADIO_SC": "Radio, écho, scanner, IRM",
    "BIOLOGIE": "Résultats de biologie",
    "CPT_REND": "Comptes rendus",
    "DEPISTAG": "Prévention et dépistages",
    "CERT_MED": "Certificats médicaux",
    "SYNTH_PML": "Synthèse médicale",
    "DOC_ADM": "Pièces administratives",
    "DIR_ANT": "Directives anticipées",
    "QUEST_SANTE": "Questionnaire santé",
    "AUTR_DOC": "Autres documents",
}

PROFESSION_LABELS: dict[str, str] = {
    "medecin_generaliste": "médecin généraliste",
    "specialiste": "médecin spécialiste",
    "dentiste": "dentiste",
    "kine": "kinésithérapeute",
    "infirmier": "infirmier",
    "pharmacien": "pharmacien",
    "sage_femme": "sage-femme",
    "ophtalmologue": "ophtalmologue",
    "pediatre": "pédiatre",
    "gynecologue": "gynécologue",
    "cardiologue": "cardiologue",
    "dermatologue": "dermatologue",
    "psychiatre": "psychiatre",
    "radiologue": "radiologue",
    "laboratoire": "laboratoire",
    "medecin_du_travail": "médecin du travail",
    "samu": "médecin du SAMU",
}

# Vaccines and screenings, by the codes of records/data/vaccination_calendar.yml.
VACCINE_LABELS: dict[str, str] = {
    "hexavalent": "Diphtérie, tétanos, coqueluche, polio, Haemophilus, hépatite B",
    "pneumocoque": "Pneumocoque",
    "rotavirus": "Rotavirus",
    "meningocoque_b": "Méningocoque B",
    "meningocoque_c": "Méningocoque C",
    "meningocoque_acwy": "Méningocoques A, C, W et Y",
    "ror": "Rougeole, oreillons, rubéole",
    "dtcap": "Diphtérie, tétanos, coqueluche, polio",
    "hpv": "Papillomavirus",
    "grippe": "Grippe",
    "covid": "Covid",
    "pneumocoque_adulte": "Pneumocoque",
    "zona": "Zona",
    "vrs": "Virus respiratoire syncytial",
    "colorectal": "Dépistage du cancer du côlon",
    "sein": "Dépistage du cancer du sein",
    "col_uterus": "Dépistage du cancer du col de l'utérus",
    "consultation": "Bilan de prévention gratuit",
}

# Error messages of the record routes (merged into records.messages.ERRORS).
RECORD_ERRORS: dict[str, str] = {
    "no_care_consent": (
        "Cette personne ne vous a pas donné son accord.\nDemandez-lui son accord d'abord."
    ),
    "professional_blocked": "Cette personne a bloqué votre accès à son espace santé.",
    "category_not_allowed": "Votre métier donne accès à d'autres documents seulement.",
    "occupational_consent_missing": (
        "Le médecin du travail a besoin de l'accord de la personne.\n"
        "La personne donne cet accord dans Mon espace santé."
    ),
    "agent_no_record_access": "Les conseillers du 3422 aident pour le compte seulement.",
    "document_not_yours": (
        "Vous pouvez effacer seulement vos documents.\nVous pouvez cacher les autres documents."
    ),
    "thread_closed": "Cette conversation est fermée.\nLe professionnel peut vous écrire à nouveau.",
    "consent_in_person_only": (
        "Donnez cet accord vous-même dans Mon espace santé.\nLe robot ne peut pas le donner."
    ),
    "not_a_child": "Vous pouvez partager seulement le profil d'un enfant mineur.",
    "attached_parent_only": ("Seul le parent qui gère le profil de l'enfant peut le partager."),
    "hidden_by_patient": "La personne a caché ce document.\nElle seule peut le montrer à nouveau.",
    "professionals_only": "Seul un professionnel de santé fait cette action.",
    "patients_only": "Seule la personne décide de cela.",
    "administrators_only": "Seuls les médecins choisis par la personne peuvent bloquer un accès.",
    "emergency_not_for_occupational": "Le médecin du travail a seulement l'accès normal.",
    "emergency_reason_required": "Écrivez la raison de l'accès en urgence.",
    "emergency_access_off": "Cette personne a fermé l'accès en urgence.",
    "not_authenticated": "Connectez-vous d'abord à votre espace santé.",
    "file_empty": "Le fichier est vide.\nChoisissez un autre fichier.",
    "file_too_large": "Le fichier est trop gros.\nLa taille maximum est 5 mégaoctets.",
    "file_type_not_allowed": (
        "Nous refusons ce type de fichier.\nEnvoyez un fichier PDF, texte ou une photo."
    ),
    "document_unavailable": (
        "Nous ne pouvons pas ouvrir ce document maintenant.\nAppelez le 3422 pour avoir de l'aide."
    ),
    "too_many_documents": "Choisissez 10 documents au plus.",
    "invalid_category": "Choisissez un type de document dans la liste.",
    "adults_only": "Les directives anticipées sont pour les adultes seulement.",
    "second_parent_not_found": (
        "Nous ne trouvons pas cet autre parent.\nIl doit d'abord créer son espace santé."
    ),
    "already_shared": "Vous partagez déjà ce profil avec ce parent.",
    "appointment_in_past": "Choisissez une date à venir.",
    "invalid_channel": "Choisissez SMS, mail ou Telegram.",
    "not_a_minor": "Cette action concerne seulement les enfants mineurs.",
}

# Notifications to the person (SMS, email, Telegram), through the outbox.
# {who} is a name and a profession, {when} a date in full words.
NOTIFICATIONS: dict[str, str] = {
    "record_read": "{who} a regardé votre espace santé {when}.",
    "document_read": "{who} a regardé un document de votre espace santé {when}.",
    "document_added": "{who} a ajouté un document dans votre espace santé {when}.",
    "document_changed": "{who} a changé un document de votre espace santé {when}.",
    "entry_added": "{who} a ajouté une information dans votre espace santé {when}.",
    "professional_blocked_by_admin": (
        "{who} a bloqué l'accès d'un professionnel à votre espace santé {when}.\n"
        "Vous pouvez changer cela dans votre espace santé."
    ),
    "emergency_access": (
        "{who} a ouvert votre espace santé en urgence {when}.\n"
        "Vous pouvez voir la raison dans votre espace santé."
    ),
    "refused_access": (
        "{who} a essayé de voir votre espace santé {when}.\nNous avons refusé cet accès."
    ),
    "new_message": "{who} vous a écrit un message dans Mon espace santé.",
    "child_shared": "Vous pouvez maintenant suivre la santé de {child}.",
    "child_unshared": "Vous ne suivez plus la santé de {child} dans Mon espace santé.",
    "child_share_started": "{other} peut maintenant suivre la santé de {child}.",
    "child_share_stopped": "{other} ne suit plus la santé de {child}.",
    "appointment_reminder": "Rappel : rendez-vous pour {name} {when}.\nAvec : {who}.",
    "recommended_reminder": (
        "Pensez à ce soin pour {name} : {what}.\n"
        "La date conseillée est le {when}.\n"
        "Parlez-en à votre médecin."
    ),
}
NOTIFICATION_SUBJECT = "Mon espace santé"
# How the log shows people who are not professionals.
ACTOR_NAMES: dict[str, str] = {
    "excluded": "Une organisation sans droit d'accès",
    "agent": "Un conseiller du 3422",
}

# The vaccination certificate for school (PDF).
PDF_CERTIFICATE: dict[str, str] = {
    "title": "Vaccinations de {name}",
    "born": "Née ou né le {birth_date}.",
    "intro": "Voici les vaccins de l'enfant.",
    "col_date": "Date",
    "col_vaccine": "Vaccin",
    "col_by": "Écrit par",
    "by_professional": "Un professionnel de santé",
    "by_family": "La famille",
    "legend": (
        "Écrit par la famille veut dire : le parent a noté ce vaccin.\n"
        "Le carnet de santé reste la preuve officielle."
    ),
    "none": "Aucun vaccin noté.",
    "made_on": "Document fait le {date} par Mon espace santé.",
}

GROWTH_CHART: dict[str, str] = {
    "weight_title": "Poids de {name}",
    "height_title": "Taille de {name}",
    "age_axis": "Âge en mois",
    "weight_axis": "Poids en kilos",
    "height_axis": "Taille en centimètres",
    "source": "Courbes de référence : Organisation mondiale de la santé.",
}
