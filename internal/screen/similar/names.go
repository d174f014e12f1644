package similar

// givenNames are common given names in Mexico, folded (lowercase, no
// accents), written for Vigía from general knowledge of Mexican naming
// (the most frequent names of women and men, their short forms and
// diminutives as recruiters sign ads: "lupita", "pepe", "paco"). They are
// masked as {NOMBRE} before shingling, because a recruiter reposting a
// template changes the contact name first.
//
// Names that are also ordinary words in job ads are left out on purpose
// (they would be masked in every ad that uses the word): paz, sol, mar,
// cruz, fe, cielo, alba, flor, pilar, dulce, amparo, socorro, consuelo,
// soledad, estrella, perla, santos, reyes, trinidad, concepcion, remedios,
// angeles, leal, franco, blanca (colour), clara (clear), mercedes (a
// brand), caro (dear), marco (frame), nena (girl), victoria (a place, so
// masked as {LUGAR}). Folding makes toño "tono" (tone): also left out.
var givenNames = []string{
	// Women.
	"abigail", "adela", "adriana", "alejandra", "alicia", "alma", "ana", "anahi", "andrea", "angelica",
	"angelina", "anita", "araceli", "aracely", "ariadna", "arely", "aurora", "azucena", "beatriz", "belen",
	"berenice", "bertha", "brenda", "brisa", "carla", "carmen", "carolina", "catalina", "cecilia", "celia",
	"cinthia", "cintia", "citlali", "claudia", "cristina", "daniela", "diana", "dolores", "dora", "elena",
	"elisa", "elizabeth", "elsa", "elvia", "elvira", "emilia", "erika", "erica", "esmeralda", "esther",
	"eva", "evelyn", "fabiola", "fatima", "fernanda", "gabriela", "gisela", "gladys", "gloria", "graciela",
	"guadalupe", "hilda", "irene", "iris", "irma", "isabel", "itzel", "ivonne", "jacqueline", "janet",
	"jazmin", "jessica", "jimena", "josefina", "juana", "judith", "julia", "juliana", "karen", "karina",
	"karla", "ximena", "laura", "leticia", "lidia", "liliana", "lizbeth", "lorena", "lucia", "lucero",
	"luisa", "lupe", "lupita", "luz", "magdalena", "marcela", "margarita", "maria", "mariana", "maribel",
	"maricela", "marisol", "marlene", "marta", "martha", "mayra", "melissa", "micaela", "miriam", "monica",
	"monserrat", "montserrat", "nadia", "nancy", "natalia", "nayeli", "nelly", "nidia", "noemi", "norma",
	"olga", "olivia", "paola", "patricia", "paty", "paulina", "pamela", "raquel", "rebeca", "regina",
	"reyna", "rocio", "rosa", "rosalba", "rosalia", "rosario", "rubi", "ruth", "sandra", "sara", "selena",
	"silvia", "sofia", "sonia", "stephanie", "susana", "tania", "teresa", "valeria", "vanessa", "veronica",
	"viridiana", "wendy", "yadira", "yesenia", "yolanda", "yazmin", "zulema", "lety", "vero", "chayo", "conchita", "lola", "mari", "mary", "maru", "gaby", "dany", "fer", "lizeth",
	// Men.
	"abel", "abraham", "adan", "adolfo", "adrian", "agustin", "alan", "alberto", "alejandro", "alfonso",
	"alfredo", "alonso", "alvaro", "andres", "angel", "antonio", "armando", "arturo", "benjamin", "bernardo",
	"braulio", "bruno", "carlos", "cesar", "cristian", "christian", "cristobal", "daniel", "david", "diego",
	"eduardo", "efrain", "eliseo", "emilio", "emmanuel", "enrique", "ernesto", "esteban", "eugenio", "ezequiel",
	"fabian", "federico", "felipe", "fernando", "francisco", "gabriel", "gerardo", "gilberto", "gonzalo",
	"gregorio", "guillermo", "gustavo", "hector", "hugo", "humberto", "ignacio", "isaac", "ismael", "israel",
	"ivan", "jaime", "javier", "jesus", "joaquin", "jonathan", "jorge", "jose", "josue", "juan", "julian",
	"julio", "leonardo", "leonel", "lorenzo", "luis", "manuel", "marcos", "mario", "martin",
	"mateo", "mauricio", "miguel", "moises", "nestor", "nicolas", "noe", "octavio", "omar", "oscar",
	"pablo", "pedro", "rafael", "ramiro", "ramon", "raul", "ricardo", "roberto", "rodrigo", "rogelio",
	"ruben", "salvador", "samuel", "santiago", "saul", "sebastian", "sergio", "tomas", "ulises", "uriel",
	"valentin", "vicente", "victor", "alexis", "axel", "erick", "erik", "kevin", "brayan", "edgar",
	"edwin", "fidel", "horacio", "jacobo", "rene", "rigoberto", "rolando", "teodoro", "felix", "lalo",
	"memo", "pancho", "paco", "pepe", "beto", "chucho", "nacho", "chuy", "quique", "poncho",
}
