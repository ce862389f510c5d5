#!/usr/bin/env python3
"""Generates parameters/gov/states/tax.yaml for the US country model releases.

The state table is data, kept compact here so the 51 jurisdictions stay reviewable side by side;
the generated YAML (one node per state, each with its revenue department as reference) is what
the engine loads. Usage: scripts/gen-us-state-tax.py <release folder> <last year (2024|2025)>.
Simplifications are documented in docs/us-model.md.
"""
import sys, pathlib

# state: (reference, 2024 single brackets [(threshold, rate)], joint bracket multiplier,
#         standard deduction single, standard deduction joint, personal exemption (head/spouse),
#         dependent exemption, starts from federal taxable income, note)
S = {
 "AL": ("https://www.revenue.alabama.gov/individual-corporate/taxes-administered/individual-income-tax/", [(0,.02),(500,.04),(3000,.05)], 2, 4000, 10500, 1500, 1000, False, "Standard deduction and dependent exemption at their maximum (no AGI phase-down)."),
 "AK": ("https://tax.alaska.gov/", [(0,0)], 1, 0, 0, 0, 0, False, "No individual income tax."),
 "AZ": ("https://azdor.gov/individuals", [(0,.025)], 1, 14600, 29200, 0, 0, False, "Flat rate; dependent credit not modelled."),
 "AR": ("https://www.dfa.arkansas.gov/income-tax/", [(0,0),(5500,.02),(10900,.03),(15600,.034),(25700,.039)], 1, 2340, 4680, 0, 0, False, "Single table for all incomes; personal credits not modelled."),
 "CA": ("https://www.ftb.ca.gov/file/personal/tax-calculator-tables-rates.asp", [(0,.01),(10756,.02),(25499,.04),(40245,.06),(55866,.08),(70606,.093),(360659,.103),(432787,.113),(721314,.123),(1000000,.133)], 2, 5540, 11080, 0, 0, False, "Exemption credits not modelled; 1% mental health services tax shown as a 13.3% bracket (doubled for joint filers, unlike the law)."),
 "CO": ("https://tax.colorado.gov/individual-income-tax", [(0,.0425)], 1, 0, 0, 0, 0, True, "Flat rate on federal taxable income (2024 rate reduced to 4.25%)."),
 "CT": ("https://portal.ct.gov/drs", [(0,.02),(10000,.045),(50000,.055),(100000,.06),(200000,.065),(250000,.069),(500000,.0699)], 2, 0, 0, 0, 0, False, "Personal exemption, personal credit and benefit recapture not modelled."),
 "DE": ("https://revenue.delaware.gov/", [(0,0),(2000,.022),(5000,.039),(10000,.048),(20000,.052),(25000,.0555),(60000,.066)], 1, 3250, 6500, 0, 0, False, "Personal credits not modelled."),
 "DC": ("https://otr.cfo.dc.gov/", [(0,.04),(10000,.06),(40000,.065),(60000,.085),(250000,.0925),(500000,.0975),(1000000,.1075)], 1, 14600, 29200, 0, 0, False, "Same schedule for all filing statuses."),
 "FL": ("https://floridarevenue.com/", [(0,0)], 1, 0, 0, 0, 0, False, "No individual income tax."),
 "GA": ("https://dor.georgia.gov/", [(0,.0539)], 1, 12000, 24000, 0, 4000, False, "Flat rate (HB 1015, 2024)."),
 "HI": ("https://tax.hawaii.gov/", [(0,.014),(2400,.032),(4800,.055),(9600,.064),(14400,.068),(19200,.072),(24000,.076),(36000,.079),(48000,.0825),(150000,.09),(175000,.10),(200000,.11)], 2, 4400, 8800, 1144, 1144, False, "Standard deduction doubled from 2024 and brackets widened from 2025 by Act 46 (SLH 2024)."),
 "ID": ("https://tax.idaho.gov/", [(0,.05695)], 1, 0, 0, 0, 0, True, "Flat rate on federal taxable income; zero-rate band not modelled."),
 "IL": ("https://tax.illinois.gov/", [(0,.0495)], 1, 0, 0, 2775, 2775, False, "Flat rate; exemption phase-out at high income not modelled."),
 "IN": ("https://www.in.gov/dor/", [(0,.0305)], 1, 0, 0, 1000, 2500, False, "State rate only; county income taxes not modelled; dependent exemption includes the additional $1,500 for a dependent child."),
 "IA": ("https://revenue.iowa.gov/", [(0,.044),(6210,.0482),(31050,.057)], 2, 0, 0, 0, 0, True, "Starts from federal taxable income."),
 "KS": ("https://www.ksrevenue.gov/", [(0,.052),(23000,.0558)], 2, 3605, 8240, 9160, 2320, False, "Two-rate schedule (SB 1, 2024)."),
 "KY": ("https://revenue.ky.gov/", [(0,.04)], 1, 3160, 6320, 0, 0, False, "Flat rate; joint standard deduction taken as two single amounts."),
 "LA": ("https://revenue.louisiana.gov/", [(0,.0185),(12500,.035),(50000,.0425)], 2, 4500, 9000, 0, 1000, False, "Combined personal exemption-standard deduction."),
 "ME": ("https://www.maine.gov/revenue/", [(0,.058),(26050,.0675),(61600,.0715)], 2, 14600, 29200, 5000, 0, False, "Dependent credit not modelled."),
 "MD": ("https://www.marylandtaxes.gov/", [(0,.02),(1000,.03),(2000,.04),(3000,.0475),(100000,.05),(125000,.0525),(150000,.055),(250000,.0575)], 1, 2550, 5150, 3200, 3200, False, "State rates only (county tax not modelled); standard deduction (15% of AGI) at its maximum; single thresholds for all filers."),
 "MA": ("https://www.mass.gov/orgs/massachusetts-department-of-revenue", [(0,.05),(1053750,.09)], 1, 0, 0, 4400, 1000, False, "5% Part B rate plus the 4% surtax as a second bracket."),
 "MI": ("https://www.michigan.gov/taxes", [(0,.0425)], 1, 0, 0, 5600, 5600, False, "State rate only; city income taxes not modelled."),
 "MN": ("https://www.revenue.state.mn.us/", [(0,.0535),(31690,.068),(104090,.0785),(193240,.0985)], 1.462, 14575, 29150, 0, 5050, False, "Joint thresholds approximated by scaling the single thresholds (exact for the first)."),
 "MS": ("https://www.dor.ms.gov/", [(0,0),(10000,.047)], 1, 2300, 4600, 6000, 1500, False, "Zero-rate first $10,000."),
 "MO": ("https://dor.mo.gov/", [(0,0),(1273,.02),(2546,.025),(3819,.03),(5092,.035),(6365,.04),(7638,.045),(8911,.048)], 1, 14600, 29200, 0, 0, False, "Federal income tax deduction not modelled."),
 "MT": ("https://mtrevenue.gov/", [(0,.047),(20500,.059)], 2, 0, 0, 0, 0, True, "Starts from federal taxable income (2024 reform)."),
 "NE": ("https://revenue.nebraska.gov/", [(0,.0246),(3870,.0351),(23170,.0501),(37430,.0584)], 2, 8300, 16600, 0, 0, False, "Personal exemption credit not modelled."),
 "NV": ("https://tax.nv.gov/", [(0,0)], 1, 0, 0, 0, 0, False, "No individual income tax."),
 "NH": ("https://www.revenue.nh.gov/", [(0,0)], 1, 0, 0, 0, 0, False, "No tax on wages; the interest and dividends tax (3% in 2024, repealed from 2025) is not modelled."),
 "NJ": ("https://www.nj.gov/treasury/taxation/", [(0,.014),(20000,.0175),(35000,.035),(40000,.05525),(75000,.0637),(500000,.0897),(1000000,.1075)], 1, 0, 0, 1000, 1500, False, "Single schedule used for all filing statuses."),
 "NM": ("https://www.tax.newmexico.gov/", [(0,.017),(5500,.032),(11000,.047),(16000,.049),(210000,.059)], 1.5, 14600, 29200, 0, 4000, False, "Joint thresholds approximated as 1.5 x single."),
 "NY": ("https://www.tax.ny.gov/", [(0,.04),(8500,.045),(11700,.0525),(13900,.055),(80650,.06),(215400,.0685),(1077550,.0965),(5000000,.103),(25000000,.109)], 2, 8000, 16050, 0, 1000, False, "State tax only (NYC/Yonkers not modelled); joint thresholds approximated as 2 x single; tax benefit recapture not modelled."),
 "NC": ("https://www.ncdor.gov/", [(0,.045)], 1, 12750, 25500, 0, 0, False, "Flat rate."),
 "ND": ("https://www.tax.nd.gov/", [(0,0),(47150,.0195),(238200,.025)], 1.67, 0, 0, 0, 0, True, "Starts from federal taxable income; joint thresholds approximated."),
 "OH": ("https://tax.ohio.gov/", [(0,0),(26050,.0275),(100000,.035)], 1, 0, 0, 0, 0, False, "Exemptions and credits not modelled; school district taxes not modelled."),
 "OK": ("https://oklahoma.gov/tax.html", [(0,.0025),(1000,.0075),(2500,.0175),(3750,.0275),(4900,.0375),(7200,.0475)], 2, 6350, 12700, 1000, 1000, False, ""),
 "OR": ("https://www.oregon.gov/dor/", [(0,.0475),(4300,.0675),(10750,.0875),(125000,.099)], 2, 2745, 5495, 0, 0, False, "Personal exemption credit and federal tax subtraction not modelled."),
 "PA": ("https://www.revenue.pa.gov/", [(0,.0307)], 1, 0, 0, 0, 0, False, "Flat rate on AGI as a proxy for PA taxable income; local earned income taxes not modelled."),
 "RI": ("https://tax.ri.gov/", [(0,.0375),(77450,.0475),(176050,.0599)], 1, 10550, 21150, 4950, 4950, False, "Same thresholds for all filers."),
 "SC": ("https://dor.sc.gov/", [(0,0),(3460,.03),(17330,.062)], 1, 0, 0, 0, 0, True, "Starts from federal taxable income."),
 "SD": ("https://dor.sd.gov/", [(0,0)], 1, 0, 0, 0, 0, False, "No individual income tax."),
 "TN": ("https://www.tn.gov/revenue.html", [(0,0)], 1, 0, 0, 0, 0, False, "No individual income tax."),
 "TX": ("https://comptroller.texas.gov/", [(0,0)], 1, 0, 0, 0, 0, False, "No individual income tax."),
 "UT": ("https://tax.utah.gov/", [(0,.0455)], 1, 0, 0, 0, 0, False, "Flat rate on AGI; taxpayer tax credit not modelled (overstates tax at low incomes)."),
 "VT": ("https://tax.vermont.gov/", [(0,.0335),(47900,.066),(116000,.076),(242000,.0875)], 1.67, 7400, 14850, 5100, 5100, False, "Joint thresholds approximated."),
 "VA": ("https://www.tax.virginia.gov/", [(0,.02),(3000,.03),(5000,.05),(17000,.0575)], 1, 8500, 17000, 930, 930, False, "Same schedule for all filers."),
 "WA": ("https://dor.wa.gov/", [(0,0)], 1, 0, 0, 0, 0, False, "No tax on wages; capital gains excise tax not modelled."),
 "WV": ("https://tax.wv.gov/", [(0,.0236),(10000,.0315),(25000,.0354),(40000,.0472),(60000,.0512)], 1, 0, 0, 2000, 2000, False, "Same schedule for all filers."),
 "WI": ("https://www.revenue.wi.gov/", [(0,.035),(14320,.044),(28640,.053),(315310,.0765)], 1.333, 13230, 24490, 700, 700, False, "Sliding-scale standard deduction taken at its maximum; joint thresholds approximated."),
 "WY": ("https://revenue.wyo.gov/", [(0,0)], 1, 0, 0, 0, 0, False, "No individual income tax."),
}

# 2025 changes (release 1.1.0). Only changes the modeller could source are listed; every other
# state carries its 2024 values forward (docs/us-model.md lists which).
C2025 = {
 "CA": dict(brackets=[(0,.01),(11079,.02),(26264,.04),(41452,.06),(57542,.08),(72724,.093),(371479,.103),(445771,.113),(742953,.123),(1000000,.133)], std=(5706, 11412)),
 "GA": dict(brackets=[(0,.0519)]),
 "ID": dict(brackets=[(0,.053)]),
 "IL": dict(pers=2850, dep=2850),
 "IN": dict(brackets=[(0,.03)]),
 "IA": dict(brackets=[(0,.038)]),
 "KY": dict(brackets=[(0,.035)], std=(3270, 6540)),
 "LA": dict(brackets=[(0,.03)], std=(12500, 25000), dep=0),
 "MS": dict(brackets=[(0,0),(10000,.044)]),
 "MO": dict(brackets=[(0,0),(1313,.02),(2626,.025),(3939,.03),(5252,.035),(6565,.04),(7878,.045),(9191,.047)], std=(15750, 31500)),
 "NC": dict(brackets=[(0,.0425)]),
 "NM": dict(brackets=[(0,.015),(5500,.032),(16500,.043),(33500,.047),(66500,.049),(210000,.059)]),
 "UT": dict(brackets=[(0,.045)]),
 "WV": dict(brackets=[(0,.0222),(10000,.0296),(25000,.0333),(40000,.0444),(60000,.0482)]),
 "MA": dict(brackets=[(0,.05),(1083150,.09)]),
 "HI": dict(brackets=[(0,.014),(9600,.032),(14400,.055),(19200,.064),(24000,.068),(36000,.072),(48000,.076),(125000,.079),(175000,.0825),(225000,.09),(275000,.10),(325000,.11)]),
 "CO": dict(brackets=[(0,.044)]),
 "ND": dict(brackets=[(0,0),(48475,.0195),(244825,.025)]),
 "NE": dict(brackets=[(0,.0246),(3870,.0351),(23170,.0501),(37430,.052)]),
}

def dated(v24, v25, last):
    if last >= 2025 and v25 is not None and v25 != v24:
        return "{2024-01-01: %s, 2025-01-01: %s}" % (fmt(v24), fmt(v25))
    return "{2024-01-01: %s}" % fmt(v24)

def fmt(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer() and x >= 1:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)

def main(folder, last):
    out = ["# Generated by scripts/gen-us-state-tax.py — edit the table there, not this file.",
           "description: >-",
           "  Simplified state individual income tax: one marginal schedule per state (single filers;",
           "  joint thresholds = single x joint_bracket_multiplier), standard deduction, exemptions.",
           "  States without a broad income tax have a single 0% bracket."]
    for st, (ref, br, mult, sds, sdj, pers, dep, fti, note) in S.items():
        c = C2025.get(st, {}) if last >= 2025 else {}
        br25 = c.get("brackets")
        std25 = c.get("std", (None, None))
        out.append(f"{st}:")
        out.append(f"  reference: {ref}")
        if note:
            out.append(f"  description: \"{note}\"")
        out.append("  rates:")
        out.append("    type: marginal_rate")
        out.append(f"    description: {st} income tax brackets (single filers).")
        out.append("    unit: currency-USD")
        out.append("    brackets:")
        n = max(len(br), len(br25 or []))
        for i in range(n):
            t24, r24 = br[i] if i < len(br) else (None, None)
            t25, r25 = (br25[i] if i < len(br25) else (None, None)) if br25 else (t24, r24)
            if t24 is None:
                # bracket introduced in 2025: in 2024 it repeats the top 2024 rate (no effect)
                out.append(f"      - {{threshold: {{2024-01-01: {fmt(t25)}}}, rate: {dated(br[-1][1], r25, last)}}}")
                continue
            if t25 is None:
                # bracket removed in 2025: same rate as the bracket below from then on
                t25, r25 = t24, (br25[-1][1])
            out.append(f"      - {{threshold: {dated(t24, t25, last)}, rate: {dated(r24, r25, last)}}}")
        out.append(f"  joint_bracket_multiplier: {{unit: /1, values: {{2024-01-01: {fmt(float(mult))}}}}}")
        out.append(f"  standard_deduction_single: {{unit: currency-USD, values: {dated(sds, std25[0], last)}}}")
        out.append(f"  standard_deduction_joint: {{unit: currency-USD, values: {dated(sdj, std25[1], last)}}}")
        out.append(f"  personal_exemption: {{unit: currency-USD, values: {dated(pers, c.get('pers'), last)}}}")
        out.append(f"  dependent_exemption: {{unit: currency-USD, values: {dated(dep, c.get('dep'), last)}}}")
        out.append(f"  starts_from_federal_taxable_income: {{unit: bool, values: {{2024-01-01: {fmt(fti)}}}}}")
    p = pathlib.Path(folder) / "parameters/gov/states/tax.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join(out) + "\n", encoding="utf-8", newline="\n")

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
