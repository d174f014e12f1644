// Command gen writes a SYNTHETIC municipal incidence file for benchmarks.
//
// The data it writes is made up. It is not SESNSP data and must never be
// imported as such, shown to users, or compared with published figures. It
// only has the shape of the old (2015-2025) SESNSP municipal incidence files
// (IDM_NM_*), so that the reader and the importer can be timed on a file of
// realistic size and awkwardness:
//
//   - header: Año,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico
//     afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,...,Diciembre
//     (21 fields);
//   - ISO-8859-1 (Latin-1) bytes for á é í ó ú ñ (the header starts "A\xF1o"),
//     no BOM, CRLF line endings;
//   - the 98-line incidence catalog of the 2015 methodology, including
//     "La sociedad,Trata de personas,Trata de personas,Trata de personas" and
//     the quoted Modalidad "Robo de cables, tubos y otros objetos destinados a
//     servicios públicos Con violencia" (and "... Sin violencia");
//   - Clave_Ent unpadded (1..32); Cve. Municipio as ent*1000+mun, unpadded
//     (1001), plus one catch-all bucket <ent>998 per state;
//   - years 2015..2025 (see -from, -to); in the last year the months after
//     -cutoff are empty cells (not yet published);
//   - counts are small non-negative integers, mostly zeros, drawn from a
//     Poisson distribution whose mean depends on the catalog line and on a
//     random size of the municipality.
//
// Rows are ordered year, state, municipality, catalog line. The number of
// municipalities is chosen so that the file has at least -rows rows: the
// count is rounded up to whole municipalities (98 rows × years each), and the
// exact row count is reported on stderr. The output is deterministic for a
// given -seed and set of flags.
//
// Usage:
//
//	go run ./bench/gen -rows 2600000 -seed 1 -o bench/out/municipal_synthetic.csv
//	go run ./bench/gen -gzip -o bench/out/municipal_synthetic.csv.gz
package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// catalogLine is one line of the 2015-methodology incidence catalog with the
// mean count per state and month in the nov24 state file (rounded). The
// means only shape the synthetic counts.
type catalogLine struct {
	bien, tipo, subtipo, modalidad string
	stateMean                      float64
}

var catalog = []catalogLine{
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio doloso", "Con arma de fuego", 45.2},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio doloso", "Con arma blanca", 6.46},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio doloso", "Con otro elemento", 12.6},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio doloso", "No especificado", 1.98},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio culposo", "Con arma de fuego", 0.279},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio culposo", "Con arma blanca", 0.038},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio culposo", "En accidente de tránsito", 31.4},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio culposo", "Con otro elemento", 7.59},
	{"La vida y la Integridad corporal", "Homicidio", "Homicidio culposo", "No especificado", 1.98},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones dolosas", "Con arma de fuego", 22.6},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones dolosas", "Con arma blanca", 25.6},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones dolosas", "Con otro elemento", 306},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones dolosas", "No especificado", 50.6},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones culposas", "Con arma de fuego", 0.904},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones culposas", "Con arma blanca", 0.543},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones culposas", "En accidente de tránsito", 77.3},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones culposas", "Con otro elemento", 34.5},
	{"La vida y la Integridad corporal", "Lesiones", "Lesiones culposas", "No especificado", 19.0},
	{"La vida y la Integridad corporal", "Feminicidio", "Feminicidio", "Con arma de fuego", 0.478},
	{"La vida y la Integridad corporal", "Feminicidio", "Feminicidio", "Con arma blanca", 0.460},
	{"La vida y la Integridad corporal", "Feminicidio", "Feminicidio", "Con otro elemento", 1.02},
	{"La vida y la Integridad corporal", "Feminicidio", "Feminicidio", "No especificado", 0.160},
	{"La vida y la Integridad corporal", "Aborto", "Aborto", "Aborto", 1.75},
	{"La vida y la Integridad corporal", "Otros delitos que atentan contra la vida y la integridad corporal", "Otros delitos que atentan contra la vida y la integridad corporal", "Otros delitos que atentan contra la vida y la integridad corporal", 23.8},
	{"Libertad personal", "Secuestro", "Secuestro", "Secuestro extorsivo", 1.78},
	{"Libertad personal", "Secuestro", "Secuestro", "Secuestro con calidad de rehén", 0.209},
	{"Libertad personal", "Secuestro", "Secuestro", "Secuestro para causar daño", 0.065},
	{"Libertad personal", "Secuestro", "Secuestro", "Secuestro exprés", 0.196},
	{"Libertad personal", "Secuestro", "Secuestro", "Otro tipo de secuestros", 0.076},
	{"Libertad personal", "Tráfico de menores", "Tráfico de menores", "Tráfico de menores", 0.166},
	{"Libertad personal", "Rapto", "Rapto", "Rapto", 0.387},
	{"Libertad personal", "Otros delitos que atentan contra la libertad personal", "Otros delitos que atentan contra la libertad personal", "Otros delitos que atentan contra la libertad personal", 51.8},
	{"La libertad y la seguridad sexual", "Abuso sexual", "Abuso sexual", "Abuso sexual", 62.3},
	{"La libertad y la seguridad sexual", "Acoso sexual", "Acoso sexual", "Acoso sexual", 15.6},
	{"La libertad y la seguridad sexual", "Hostigamiento sexual", "Hostigamiento sexual", "Hostigamiento sexual", 5.00},
	{"La libertad y la seguridad sexual", "Violación simple", "Violación simple", "Violación simple", 34.5},
	{"La libertad y la seguridad sexual", "Violación equiparada", "Violación equiparada", "Violación equiparada", 11.7},
	{"La libertad y la seguridad sexual", "Incesto", "Incesto", "Incesto", 0.052},
	{"La libertad y la seguridad sexual", "Otros delitos que atentan contra la libertad y la seguridad sexual", "Otros delitos que atentan contra la libertad y la seguridad sexual", "Otros delitos que atentan contra la libertad y la seguridad sexual", 21.7},
	{"El patrimonio", "Robo", "Robo a casa habitación", "Con violencia", 18.6},
	{"El patrimonio", "Robo", "Robo a casa habitación", "Sin violencia", 170},
	{"El patrimonio", "Robo", "Robo de vehículo automotor", "Robo de coche de 4 ruedas Con violencia", 121},
	{"El patrimonio", "Robo", "Robo de vehículo automotor", "Robo de coche de 4 ruedas Sin violencia", 223},
	{"El patrimonio", "Robo", "Robo de vehículo automotor", "Robo de motocicleta Con violencia", 23.6},
	{"El patrimonio", "Robo", "Robo de vehículo automotor", "Robo de motocicleta Sin violencia", 62.1},
	{"El patrimonio", "Robo", "Robo de vehículo automotor", "Robo de embarcaciones pequeñas y grandes Con violencia", 0.013},
	{"El patrimonio", "Robo", "Robo de vehículo automotor", "Robo de embarcaciones pequeñas y grandes Sin violencia", 0.054},
	{"El patrimonio", "Robo", "Robo de autopartes", "Con violencia", 1.10},
	{"El patrimonio", "Robo", "Robo de autopartes", "Sin violencia", 45.0},
	{"El patrimonio", "Robo", "Robo a transportista", "Con violencia", 20.9},
	{"El patrimonio", "Robo", "Robo a transportista", "Sin violencia", 4.38},
	{"El patrimonio", "Robo", "Robo a transeúnte en vía pública", "Con violencia", 144},
	{"El patrimonio", "Robo", "Robo a transeúnte en vía pública", "Sin violencia", 46.9},
	{"El patrimonio", "Robo", "Robo a transeúnte en espacio abierto al público", "Con violencia", 7.03},
	{"El patrimonio", "Robo", "Robo a transeúnte en espacio abierto al público", "Sin violencia", 4.77},
	{"El patrimonio", "Robo", "Robo en transporte público individual", "Con violencia", 4.62},
	{"El patrimonio", "Robo", "Robo en transporte público individual", "Sin violencia", 1.66},
	{"El patrimonio", "Robo", "Robo en transporte público colectivo", "Con violencia", 27.2},
	{"El patrimonio", "Robo", "Robo en transporte público colectivo", "Sin violencia", 10.3},
	{"El patrimonio", "Robo", "Robo en transporte individual", "Con violencia", 16.0},
	{"El patrimonio", "Robo", "Robo en transporte individual", "Sin violencia", 19.5},
	{"El patrimonio", "Robo", "Robo a institución bancaria", "Con violencia", 0.586},
	{"El patrimonio", "Robo", "Robo a institución bancaria", "Sin violencia", 0.342},
	{"El patrimonio", "Robo", "Robo a negocio", "Con violencia", 112},
	{"El patrimonio", "Robo", "Robo a negocio", "Sin violencia", 128},
	{"El patrimonio", "Robo", "Robo de ganado", "Con violencia", 0.692},
	{"El patrimonio", "Robo", "Robo de ganado", "Sin violencia", 12.1},
	{"El patrimonio", "Robo", "Robo de maquinaria", "Robo de herramienta industrial o agrícola Con violencia", 0.288},
	{"El patrimonio", "Robo", "Robo de maquinaria", "Robo de herramienta industrial o agrícola Sin violencia", 1.01},
	{"El patrimonio", "Robo", "Robo de maquinaria", "Robo de tractores Con violencia", 0.123},
	{"El patrimonio", "Robo", "Robo de maquinaria", "Robo de tractores Sin violencia", 0.181},
	{"El patrimonio", "Robo", "Robo de maquinaria", "Robo de cables, tubos y otros objetos destinados a servicios públicos Con violencia", 0.108},
	{"El patrimonio", "Robo", "Robo de maquinaria", "Robo de cables, tubos y otros objetos destinados a servicios públicos Sin violencia", 2.39},
	{"El patrimonio", "Robo", "Otros robos", "Con violencia", 99.6},
	{"El patrimonio", "Robo", "Otros robos", "Sin violencia", 410},
	{"El patrimonio", "Fraude", "Fraude", "Fraude", 215},
	{"El patrimonio", "Abuso de confianza", "Abuso de confianza", "Abuso de confianza", 69.2},
	{"El patrimonio", "Extorsión", "Extorsión", "Extorsión", 21.1},
	{"El patrimonio", "Daño a la propiedad", "Daño a la propiedad", "Daño a la propiedad", 349},
	{"El patrimonio", "Despojo", "Despojo", "Despojo", 71.2},
	{"El patrimonio", "Otros delitos contra el patrimonio", "Otros delitos contra el patrimonio", "Otros delitos contra el patrimonio", 30.2},
	{"La familia", "Violencia familiar", "Violencia familiar", "Violencia familiar", 559},
	{"La familia", "Violencia de género en todas sus modalidades distinta a la violencia familiar", "Violencia de género en todas sus modalidades distinta a la violencia familiar", "Violencia de género en todas sus modalidades distinta a la violencia familiar", 9.82},
	{"La familia", "Incumplimiento de obligaciones de asistencia familiar", "Incumplimiento de obligaciones de asistencia familiar", "Incumplimiento de obligaciones de asistencia familiar", 63.4},
	{"La familia", "Otros delitos contra la familia", "Otros delitos contra la familia", "Otros delitos contra la familia", 31.7},
	{"La sociedad", "Corrupción de menores", "Corrupción de menores", "Corrupción de menores", 6.09},
	{"La sociedad", "Trata de personas", "Trata de personas", "Trata de personas", 1.40},
	{"La sociedad", "Otros delitos contra la sociedad", "Otros delitos contra la sociedad", "Otros delitos contra la sociedad", 15.4},
	{"Otros bienes jurídicos afectados (del fuero común)", "Narcomenudeo", "Narcomenudeo", "Narcomenudeo", 172},
	{"Otros bienes jurídicos afectados (del fuero común)", "Amenazas", "Amenazas", "Amenazas", 277},
	{"Otros bienes jurídicos afectados (del fuero común)", "Allanamiento de morada", "Allanamiento de morada", "Allanamiento de morada", 35.1},
	{"Otros bienes jurídicos afectados (del fuero común)", "Evasión de presos", "Evasión de presos", "Evasión de presos", 0.296},
	{"Otros bienes jurídicos afectados (del fuero común)", "Falsedad", "Falsedad", "Falsedad", 9.57},
	{"Otros bienes jurídicos afectados (del fuero común)", "Falsificación", "Falsificación", "Falsificación", 42.1},
	{"Otros bienes jurídicos afectados (del fuero común)", "Contra el medio ambiente", "Contra el medio ambiente", "Contra el medio ambiente", 5.23},
	{"Otros bienes jurídicos afectados (del fuero común)", "Delitos cometidos por servidores públicos", "Delitos cometidos por servidores públicos", "Delitos cometidos por servidores públicos", 48.1},
	{"Otros bienes jurídicos afectados (del fuero común)", "Electorales", "Electorales", "Electorales", 3.73},
	{"Otros bienes jurídicos afectados (del fuero común)", "Otros delitos del Fuero Común", "Otros delitos del Fuero Común", "Otros delitos del Fuero Común", 485},
}

// states are the SESNSP long names in INEGI order, with the number of real
// municipalities in each (INEGI 2020), used only to spread the synthetic
// municipalities over the states in realistic proportions.
var states = []struct {
	name string
	muns int
}{
	{"Aguascalientes", 11}, {"Baja California", 7}, {"Baja California Sur", 5},
	{"Campeche", 13}, {"Coahuila de Zaragoza", 38}, {"Colima", 10},
	{"Chiapas", 124}, {"Chihuahua", 67}, {"Ciudad de México", 16},
	{"Durango", 39}, {"Guanajuato", 46}, {"Guerrero", 85}, {"Hidalgo", 84},
	{"Jalisco", 125}, {"México", 125}, {"Michoacán de Ocampo", 113},
	{"Morelos", 36}, {"Nayarit", 20}, {"Nuevo León", 51}, {"Oaxaca", 570},
	{"Puebla", 217}, {"Querétaro", 18}, {"Quintana Roo", 11},
	{"San Luis Potosí", 58}, {"Sinaloa", 18}, {"Sonora", 72}, {"Tabasco", 17},
	{"Tamaulipas", 43}, {"Tlaxcala", 60},
	{"Veracruz de Ignacio de la Llave", 212}, {"Yucatán", 106},
	{"Zacatecas", 58},
}

var months = []string{"Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio",
	"Julio", "Agosto", "Septiembre", "Octubre", "Noviembre", "Diciembre"}

// latin1 encodes s as ISO-8859-1. Every rune in this program's strings is
// below U+0100; anything else is a programming error.
func latin1(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			panic(fmt.Sprintf("rune %q not in Latin-1", r))
		}
		b = append(b, byte(r))
	}
	return b
}

// field encodes s as one Latin-1 CSV field, quoted if needed (RFC 4180).
func field(s string) []byte {
	if strings.ContainsAny(s, ",\"\r\n") {
		s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return latin1(s)
}

type muni struct {
	prefix []byte    // "ent,Entidad,key,Municipio," in Latin-1
	expNeg []float64 // exp(-lambda) per catalog line, for Knuth's Poisson sampler
}

func main() {
	rows := flag.Int("rows", 2_600_000, "minimum number of data rows (rounded up to whole municipalities; at least 2,500,000 for the benchmark)")
	seed := flag.Uint64("seed", 1, "random seed; the output is deterministic for a given seed and flags")
	out := flag.String("o", "", "output path (default: standard output)")
	gz := flag.Bool("gzip", false, "gzip-compress the output")
	from := flag.Int("from", 2015, "first year")
	to := flag.Int("to", 2025, "last year")
	cutoff := flag.Int("cutoff", 10, "last published month of the last year (1-12); later months are left empty")
	flag.Parse()
	if err := run(*rows, *seed, *out, *gz, *from, *to, *cutoff); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(rows int, seed uint64, out string, gz bool, from, to, cutoff int) error {
	if rows < 1 || to < from || cutoff < 0 || cutoff > 12 {
		return errors.New("bad flags: need -rows >= 1, -from <= -to, 0 <= -cutoff <= 12")
	}
	years := to - from + 1
	perMuni := years * len(catalog)
	nMun := (rows + perMuni - 1) / perMuni // including the catch-all buckets
	if nMun < 2*len(states) {
		nMun = 2 * len(states) // at least one municipality and one bucket per state
	}
	rng := rand.New(rand.NewPCG(seed, 0x5e5_2015))

	// Spread nMun-32 real-like municipalities over the states (largest
	// remainder), then add one <ent>998 bucket each.
	realTotal := 0
	for _, s := range states {
		realTotal += s.muns
	}
	want := nMun - len(states)
	alloc := make([]int, len(states))
	got := 0
	for i, s := range states {
		alloc[i] = max(1, s.muns*want/realTotal)
		got += alloc[i]
	}
	for i := 0; got < want; i = (i + 1) % len(states) {
		alloc[i]++
		got++
	}
	for i := len(states) - 1; got > want; i = (i + len(states) - 1) % len(states) {
		if alloc[i] > 1 {
			alloc[i]--
			got--
		}
	}

	var munis [][]muni // per state
	for si, s := range states {
		ent := si + 1
		n := alloc[si]
		ms := make([]muni, 0, n+1)
		weights := make([]float64, n+1)
		sum := 0.0
		for j := range weights {
			w := math.Exp(1.2 * rng.NormFloat64()) // log-normal municipality size
			if j == n {
				w = 0.05 // the catch-all bucket is small
			}
			weights[j] = w
			sum += w
		}
		for j := 0; j <= n; j++ {
			code, name := j+1, "Municipio sintético "+strconv.Itoa(j+1)
			if j == n {
				code, name = 998, "Otros municipios"
			}
			key := ent*1000 + code
			var p []byte
			p = strconv.AppendInt(p, int64(ent), 10)
			p = append(p, ',')
			p = append(p, field(s.name)...)
			p = append(p, ',')
			p = strconv.AppendInt(p, int64(key), 10)
			p = append(p, ',')
			p = append(p, field(name)...)
			p = append(p, ',')
			share := weights[j] / sum
			e := make([]float64, len(catalog))
			for c, line := range catalog {
				lambda := min(line.stateMean*share, 200)
				e[c] = math.Exp(-lambda)
			}
			ms = append(ms, muni{prefix: p, expNeg: e})
		}
		munis = append(munis, ms)
	}
	lines := make([][]byte, len(catalog))
	for c, l := range catalog {
		lines[c] = []byte(string(field(l.bien)) + "," + string(field(l.tipo)) + "," +
			string(field(l.subtipo)) + "," + string(field(l.modalidad)) + ",")
	}

	var w io.Writer = os.Stdout
	var f *os.File
	if out != "" {
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
		w = zw
	}
	bw := bufio.NewWriterSize(w, 1<<20)

	start := time.Now()
	hdr := "Año,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad," +
		strings.Join(months, ",") + "\r\n"
	bw.Write(latin1(hdr))

	var buf []byte
	written := 0
	for y := from; y <= to; y++ {
		published := 12
		if y == to {
			published = cutoff
		}
		yb := strconv.AppendInt(nil, int64(y), 10)
		for si := range munis {
			for _, m := range munis[si] {
				for c := range catalog {
					L := m.expNeg[c]
					buf = append(buf[:0], yb...)
					buf = append(buf, ',')
					buf = append(buf, m.prefix...)
					buf = append(buf, lines[c]...)
					for mo := 0; mo < 12; mo++ {
						if mo < published {
							// Knuth: count uniforms until their product drops below exp(-lambda).
							k, p := 0, rng.Float64()
							for p > L {
								k++
								p *= rng.Float64()
							}
							buf = strconv.AppendInt(buf, int64(k), 10)
						}
						if mo < 11 {
							buf = append(buf, ',')
						}
					}
					buf = append(buf, '\r', '\n')
					bw.Write(buf)
					written++
				}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "gen: SYNTHETIC municipal file: %d rows (%d municipalities incl. %d catch-all buckets, %d catalog lines, years %d-%d, last published month %d-%02d) in %s\n",
		written, nMun, len(states), len(catalog), from, to, to, cutoff, time.Since(start).Round(time.Millisecond))
	return nil
}
