import Render
print("varreport (cairo \(cairoVersion))")
