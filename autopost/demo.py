"""The two demo characters. Invented, neutral lifestyle content; no real person."""

WEEKDAY = ["08:00", "12:30", "19:00"]
FRIDAY = ["08:00", "12:30", "18:00", "21:00"]
WEEKEND = ["10:00", "14:00", "20:00"]
SLOTS = {"weekday": WEEKDAY, "friday": FRIDAY, "saturday": WEEKEND, "sunday": WEEKEND}

CHARACTERS = [
    {
        "slug": "mila",
        "name": "Mila",
        "description": "A 22-year-old design student living in the Marais, Paris.",
        "instagram_handle": "mila.demo",
        "timezone": "Europe/Paris",
        "slots": SLOTS,
        "content_library": {
            "themes": ["Vie étudiante à Paris", "Dimanche tranquille", "Semaine de partiels"],
            "locations": [
                {"key": "home_marais_living", "name": "Appartement du Marais — salon"},
                {"key": "cafe_rue_de_bretagne", "name": "Café rue de Bretagne"},
                {"key": "school_studio", "name": "Atelier de l'école"},
                {"key": "canal_saint_martin", "name": "Canal Saint-Martin"},
                {"key": "jardin_luxembourg", "name": "Jardin du Luxembourg"},
            ],
            "outfits": [
                "Pull en maille crème",
                "Veste en jean, tee-shirt blanc",
                "Manteau camel, écharpe rouge",
                "Robe fluide, baskets blanches",
            ],
            "actions": [
                "Dessine dans son carnet",
                "Lit au soleil",
                "Boit un café en terrasse",
                "Prépare un croquis à l'atelier",
                "Se promène le long de l'eau",
            ],
            "moods": ["calm", "cheerful", "focused", "cozy"],
            "captions": [
                "Petite pause bien méritée ☕",
                "Et vous, vous faites quoi aujourd'hui ?",
                "Paris sous un beau ciel aujourd'hui",
                "Les carnets se remplissent ✏️",
            ],
            "hashtag_sets": [
                ["#paris", "#marais", "#étudiante", "#café", "#lifestyle", "#parisienne"],
                ["#design", "#croquis", "#atelier", "#créativité", "#quotidien", "#inspiration"],
                ["#balade", "#canalsaintmartin", "#weekend", "#citylife", "#photo", "#ootd"],
            ],
            "reference_images": [],
        },
    },
    {
        "slug": "elena",
        "name": "Elena",
        "description": "A travel and fashion creator based in Paris who films city guides.",
        "instagram_handle": "elena.demo",
        "timezone": "Europe/Paris",
        "slots": SLOTS,
        "content_library": {
            "themes": ["Carnet de voyage", "Mode d'hiver", "Escapade du week-end"],
            "locations": [
                {"key": "gare_de_lyon", "name": "Gare de Lyon — le Train Bleu"},
                {"key": "montmartre_steps", "name": "Escaliers de Montmartre"},
                {"key": "boutique_saint_germain", "name": "Boutique à Saint-Germain"},
                {"key": "hotel_rooftop", "name": "Toit-terrasse d'hôtel"},
                {"key": "marche_des_enfants_rouges", "name": "Marché des Enfants Rouges"},
            ],
            "outfits": [
                "Trench beige, bottes noires",
                "Tailleur pied-de-poule",
                "Pull col roulé, jupe plissée",
                "Doudoune longue, bonnet en laine",
            ],
            "actions": [
                "Prépare sa valise",
                "Compare deux manteaux",
                "Note ses adresses préférées",
                "Admire la vue",
                "Goûte une spécialité locale",
            ],
            "moods": ["adventurous", "elegant", "cheerful", "dreamy"],
            "captions": [
                "Nouvelle adresse à partager ✨",
                "Où partiriez-vous ce week-end ?",
                "Le look du jour, validé ?",
                "Carnet de voyage, page suivante 🧳",
            ],
            "hashtag_sets": [
                ["#voyage", "#travel", "#paris", "#guide", "#escapade", "#wanderlust"],
                ["#mode", "#fashion", "#ootd", "#style", "#hiver", "#tendance"],
                ["#adresse", "#food", "#marché", "#weekend", "#découverte", "#photo"],
            ],
            "reference_images": [],
        },
    },
]
