"""Common French given names and surnames (INSEE frequency lists) for the synthetic population."""

FIRST_NAMES = (
    "Marie Jean Pierre Michel Anne Philippe Nathalie Isabelle Sylvie Catherine Nicolas Christophe "
    "Stéphane Sophie Sandrine Julien Thomas Camille Léa Manon Emma Chloé Inès Sarah Hugo Lucas "
    "Louis Gabriel Arthur Jules Léo Raphaël Adam Maël Paul Nathan Théo Alice Louise Jade Lina "
    "Mohamed Yasmine Karim Fatima Amina Mehdi Youssef Nadia Samir Aïcha Françoise Monique Jacques "
    "André Bernard Daniel Patrick Christine Valérie Céline Élodie Aurélie Mathieu Antoine Guillaume "
    "Hélène Josiane Gérard Zoé Ambre Rose Anaïs Clément Baptiste Maxime Éric Laurent"
).split()

LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèbvre "
    "Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent "
    "Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand "
    "Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson "
    "Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud "
    "Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy "
    "Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier "
    "Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez "
    "Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur "
    "Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles "
    "Benali Haddad Nguyen Diallo Traoré Ben Salah Rodrigues Ferreira Da Silva Pereira"
).split()

STREET_NAMES = (
    "rue de la République",
    "avenue du Général de Gaulle",
    "rue Jean Jaurès",
    "place de la Mairie",
    "rue Victor Hugo",
    "boulevard Pasteur",
    "rue des Écoles",
    "allée des Tilleuls",
    "rue du Moulin",
    "chemin des Vignes",
    "rue de la Gare",
    "avenue Jean Moulin",
    "rue Nationale",
    "quai de Loire",
    "rue Houdan",
    "avenue de la Paix",
    "rue du Général Leclerc",
    "impasse des Lilas",
)
