"""Word lists for the demo: people's names by generation, street and residence names.

All invented combinations; names are common French (and French-of-immigrant-origin) names,
street names are generic ones found in most French towns.
"""


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


LAST_NAMES = words(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud "
    "Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Lecomte "
    "Moulin Hubert Chauvin Prévost Tessier Boucher Charpentier Bodin Pasquier Hamon Chartier "
    "Bouvier Delaunay Lebrun Carré Ménard Poirier Gilbert Royer Besnard Berger Jacquet Cousin "
    "Diallo Traoré Camara Diop Ndiaye Keita Benali Benamar Haddad Mansouri Bouzid Cherif "
    "Nguyen Tran Pereira Ferreira Rodrigues Lopes Yilmaz Kaya Öztürk "
    "Kowalski Marchal Lopez Sanchez Gonzalez Fernandez Hamidi Rahmani Saïdi"
) + ("Dos Santos", "Da Silva")

# First names by decade of birth (start year) → (women, men).
FIRST_NAMES = {
    1920: (
        words(
            "Jeanne Marie Marguerite Germaine Simone Madeleine Suzanne Yvonne Lucienne Odette "
            "Paulette Andrée Renée Raymonde Marcelle"
        ),
        words(
            "Jean Pierre André René Marcel Roger Louis Georges Henri Robert Lucien Maurice "
            "Raymond Fernand Albert"
        ),
    ),
    1940: (
        words(
            "Monique Jacqueline Michèle Colette Nicole Josette Yvette Denise Ginette Micheline "
            "Huguette Danielle Christiane Fatima Odile"
        ),
        words(
            "Michel Jean Claude Jacques Bernard Gérard Daniel Alain Roger Guy Christian Pierre "
            "Mohamed Ahmed Serge"
        ),
    ),
    1955: (
        words(
            "Martine Françoise Catherine Christine Sylvie Brigitte Chantal Dominique Patricia "
            "Annie Évelyne Malika Khadija Maria Joëlle"
        ),
        words(
            "Patrick Philippe Alain Daniel Christian Thierry Pascal Éric Didier Dominique Serge "
            "Jean-Pierre Ali Mustapha Joël"
        ),
    ),
    1970: (
        words(
            "Nathalie Sandrine Stéphanie Céline Valérie Isabelle Karine Virginie Laetitia Sophie "
            "Nadia Samira Aïcha Séverine Corinne"
        ),
        words(
            "Sébastien Nicolas Christophe Stéphane David Frédéric Laurent Olivier Jérôme Karim "
            "Franck Mamadou Fabrice Cédric Arnaud"
        ),
    ),
    1985: (
        words(
            "Julie Aurélie Émilie Élodie Audrey Mélanie Amandine Jessica Sarah Laura Marine "
            "Inès Yasmine Mariam Fatoumata"
        ),
        words(
            "Julien Mickaël Kevin Thomas Anthony Maxime Romain Jérémy Guillaume Alexandre "
            "Mehdi Bilal Moussa Ibrahim Yacine"
        ),
    ),
    2000: (
        words(
            "Manon Camille Océane Chloé Léa Mélissa Pauline Justine Clara Anaïs Lina Imane "
            "Maëlys Jade Sofia"
        ),
        words(
            "Lucas Hugo Théo Dylan Quentin Enzo Nathan Mathis Yanis Clément Rayan Killian "
            "Ilyes Noah Tom"
        ),
    ),
    2010: (
        words("Emma Louise Jade Alice Lina Chloé Léna Mila Rose Anna Ambre Inaya Nour Aya Lou"),
        words(
            "Gabriel Léo Raphaël Louis Arthur Jules Adam Noah Hugo Sacha Ethan Nolan Ayoub "
            "Mohamed Liam"
        ),
    ),
}
DECADES = tuple(sorted(FIRST_NAMES))

STREETS = (
    "rue Nationale",
    "avenue de la République",
    "rue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Jean Moulin",
    "rue Émile Zola",
    "rue Gambetta",
    "avenue du Général de Gaulle",
    "rue Pasteur",
    "rue de la Paix",
    "allée des Tilleuls",
    "rue des Acacias",
    "rue des Lilas",
    "allée des Charmes",
    "rue du Moulin",
    "rue de la Gare",
    "rue de l'Église",
    "place du Marché",
    "rue des Écoles",
    "rue de la Fontaine",
    "impasse des Peupliers",
    "rue Anatole France",
    "rue Paul Bert",
    "avenue Jean Mermoz",
    "rue Louise Michel",
    "rue Jules Ferry",
    "rue Danton",
    "rue Voltaire",
    "rue Albert Camus",
    "allée Simone Veil",
    "rue Pierre Brossolette",
    "avenue de Verdun",
    "rue du 8 Mai 1945",
    "rue du 11 Novembre",
    "rue Jean Moulin",
    "rue Lucie Aubrac",
    "rue des Vignes",
    "rue de la Loire",
    "quai de la Loire",
    "rue du Cher",
    "rue des Jardins",
    "rue des Prés",
    "chemin des Vergers",
    "allée des Cerisiers",
    "rue des Érables",
    "rue des Roses",
    "square des Bleuets",
    "rue des Coquelicots",
    "avenue de Lattre de Tassigny",
    "rue Maréchal Leclerc",
    "rue Jean de la Fontaine",
    "rue Molière",
    "rue Rabelais",
    "rue Ronsard",
    "rue Balzac",
    "rue George Sand",
    "rue Charles Péguy",
    "rue Marcel Proust",
    "rue Saint-Exupéry",
    "avenue Pierre Mendès France",
    "rue Jacques Prévert",
    "rue Paul Éluard",
    "rue Marie Curie",
    "rue Édouard Vaillant",
    "rue Henri Barbusse",
    "rue du Stade",
    "rue de la Mairie",
    "rue du Château d'Eau",
    "rue des Sablons",
    "rue de Beauce",
    "rue du Berry",
    "rue de Sologne",
    "rue du Perche",
    "rue de Touraine",
    "boulevard de l'Europe",
    "rue des Tisserands",
    "rue des Forgerons",
    "avenue des Platanes",
    "rue Jean Monnet",
    "rue Robert Schuman",
)

RESIDENCE_NAMES = (
    "Les Tilleuls",
    "Les Acacias",
    "Le Clos Fleuri",
    "Les Fontaines",
    "Le Parc",
    "Les Peupliers",
    "Les Cèdres",
    "Les Marronniers",
    "Les Glycines",
    "Les Hortensias",
    "Le Val Fleuri",
    "Les Hauts de Loire",
    "Les Bords du Cher",
    "Le Clos des Vignes",
    "Les Jardins du Moulin",
    "La Roseraie",
    "Les Coteaux",
    "Les Charmilles",
    "Le Bocage",
    "Les Tourelles",
    "Les Sablons",
    "La Prairie",
    "Les Vergers",
    "Les Ormeaux",
    "Le Grand Pré",
    "Les Genêts",
    "Les Lavandières",
    "Les Mariniers",
    "Le Belvédère",
    "Les Hirondelles",
    "Les Mésanges",
    "Le Clos Saint-Martin",
    "Les Champs Fleuris",
    "Les Terrasses",
    "Le Mail",
    "Les Blés d'Or",
    "La Source",
    "Les Saules",
    "Le Petit Bois",
    "Les Aubépines",
    "Le Clos des Chênes",
    "Les Rives",
    "La Fontaine Blanche",
    "Les Lilas",
    "Les Bruyères",
    "Le Hameau",
    "Les Grands Champs",
    "Le Carré Vert",
    "Les Jonquilles",
    "Le Verger",
)
